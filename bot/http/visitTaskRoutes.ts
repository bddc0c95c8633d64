// The admin API for door-to-door tasks (上门劝阻): offer one to the riders, list them by status, see the
// figures (how many offered, taken, done and with what outcome, how many overdue), withdraw one.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { notFound } from '../../handlers/errors';
import { MAX_ADDRESS_LENGTH, MAX_REASON_LENGTH } from '../../handlers/fraud/visitCommand';
import { cancelVisitTask, offerVisitTask } from '../../handlers/fraud/visitTasks';
import { VisitTask } from '../../storage/entities';
import { listVisitTasks, presentVisitTasks, visitTaskFigures } from '../../storage/queries/visitTasks';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';

const VISIT_STATUSES = ['offered', 'taken', 'done', 'cancelled'] as const;

const offerBody = z.object({
  address: z.string().trim().min(1, 'must not be empty').max(MAX_ADDRESS_LENGTH),
  reason: z.string().trim().min(1, 'must not be empty').max(MAX_REASON_LENGTH),
  /** ISO 8601 with its offset, e.g. 2026-12-03T18:00:00+08:00; absent: a day from now. */
  dueAt: z.string().datetime({ offset: true, message: 'must be an ISO 8601 time with its offset, e.g. 2026-12-03T18:00:00+08:00' }).transform((at) => new Date(at)).optional(),
  by: z.string().trim().min(1, 'must not be empty').max(100),
});
const cancelBody = z.object({ by: z.string().trim().min(1, 'must not be empty').max(100) });
const listQuery = z.object({ status: z.enum(VISIT_STATUSES).optional(), limit: queryInt({ min: 1, max: 500, default: 50 }) });

export function visitTaskRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  const { router } = routes;
  const present = async (task: VisitTask) => (await presentVisitTasks(context.db.read, [task], context.clock()))[0];

  router.post('/visit-tasks', async (ctx) => {
    const body = parseInput(offerBody, ctx.request.body, 'visit task body');
    const task = await offerVisitTask({ address: body.address, reason: body.reason, dueAt: body.dueAt, createdBy: body.by }, context);
    ctx.status = 201;
    ctx.body = await present(task!);
  });
  router.get('/visit-tasks', async (ctx) => {
    const query = parseInput(listQuery, ctx.query, 'query');
    ctx.body = { items: await presentVisitTasks(context.db.read, await listVisitTasks(context.db.read, query), context.clock()) };
  });
  // Before /visit-tasks/:id, which would take "stats" for an id.
  router.get('/visit-tasks/stats', async (ctx) => {
    ctx.body = await visitTaskFigures(context.db.read, context.clock());
  });
  router.get('/visit-tasks/:id', async (ctx) => {
    const task = await context.db.read.findOneBy(VisitTask, { id: ctx.params.id });
    if (!task) throw notFound(`visit task ${ctx.params.id} does not exist`);
    ctx.body = await present(task);
  });
  router.post('/visit-tasks/:id/cancel', async (ctx) => {
    const body = parseInput(cancelBody, ctx.request.body, 'cancel body');
    const outcome = await cancelVisitTask(ctx.params.id, body.by, context);
    ctx.body = { ...(await present(outcome.task)), changed: outcome.changed };
  });
  return routes;
}
