// The admin API over inbound messages: everything that arrived and what became of it (GET /api/messages?status=throttled).
import { z } from 'zod';
import type { Database } from '../../storage/database';
import { listInboundMessages } from '../../storage/queries/messageViews';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';

const listQuery = z.object({
  status: z.enum(['received', 'done', 'ignored', 'throttled', 'failed']).optional(),
  groupId: z.string().min(1).optional(),
  limit: queryInt({ min: 1, max: 500, default: 100 }),
  offset: queryInt({ min: 0, max: 1_000_000, default: 0 }),
});

export function messageRoutes(routes: RouteGroup, db: Database): RouteGroup {
  routes.router.get('/messages', async (ctx) => {
    ctx.body = await listInboundMessages(db.read, parseInput(listQuery, ctx.query, 'query'));
  });
  return routes;
}
