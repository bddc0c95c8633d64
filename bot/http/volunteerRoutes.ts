// The admin API over volunteer points: who earned most over the last `days` days (7: the weekly figures'
// top volunteers), or all time with ?all=true.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { pointsTable } from '../../handlers/volunteers/points';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';

const tableQuery = z.object({ days: queryInt({ min: 1, max: 3660, default: 7 }), limit: queryInt({ min: 1, max: 500, default: 10 }), all: z.enum(['true', 'false']).default('false') });

export function volunteerRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  routes.router.get('/volunteers/points', async (ctx) => {
    const { days, limit, all } = parseInput(tableQuery, ctx.query, 'query');
    const since = all === 'true' ? null : new Date(context.clock().getTime() - days * 86_400_000);
    const table = await pointsTable(context.db.read, since);
    ctx.body = { since: since?.toISOString() ?? null, items: table.slice(0, limit).map(({ personId: _id, ...standing }, index) => ({ rank: index + 1, ...standing })) };
  });
  return routes;
}
