// The admin API over what the bot sends: list the outbox by status (failed deliveries are where a person
// looks after an outage), re-send one row, or re-send every failed row (of one group).
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { retryDelivery, retryFailedDeliveries } from '../../handlers/delivery/deliveryRetries';
import { ChatGroup } from '../../storage/entities';
import { listOutbox, presentOutboxRow } from '../../storage/queries/outboxViews';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';

const OUTBOX_STATUSES = ['pending', 'retrying', 'sent', 'failed'] as const;

const listQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  groupId: z.string().min(1).optional(),
  limit: queryInt({ min: 1, max: 500, default: 100 }),
  offset: queryInt({ min: 0, max: 1_000_000, default: 0 }),
});
const retryAllBody = z.object({ groupId: z.string().min(1).optional() }).strict();

export function outboxRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  const { router } = routes;
  router.get('/outbox', async (ctx) => {
    ctx.body = await listOutbox(context.db.read, parseInput(listQuery, ctx.query, 'query'));
  });
  router.post('/outbox/retry', async (ctx) => {
    const body = parseInput(retryAllBody, ctx.request.body ?? {}, 'retry body');
    ctx.body = await retryFailedDeliveries(context, body);
  });
  router.post('/outbox/:id/retry', async (ctx) => {
    const row = await retryDelivery(ctx.params.id, context);
    ctx.body = presentOutboxRow(row, (await context.db.read.findOneBy(ChatGroup, { id: row.groupId })) ?? undefined);
  });
  return routes;
}
