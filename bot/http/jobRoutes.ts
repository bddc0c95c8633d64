// The admin API over jobs that used all their attempts: list them, run one again.
import type { JobQueue } from '../queue/types';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';
import { z } from 'zod';

const listQuery = z.object({ limit: queryInt({ min: 1, max: 1000, default: 100 }) });

export function jobRoutes(routes: RouteGroup, queue: JobQueue): RouteGroup {
  routes.router.get('/jobs/failed', async (ctx) => {
    const { limit } = parseInput(listQuery, ctx.query, 'query');
    ctx.body = { queue: queue.kind, items: await queue.failedJobs(limit) };
  });
  routes.router.post('/jobs/failed/:id/retry', async (ctx) => {
    await queue.retryFailed(ctx.params.id);
    ctx.status = 202;
    ctx.body = { id: ctx.params.id, queued: true };
  });
  return routes;
}
