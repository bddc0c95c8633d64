// GET /api/ratings?from&to: 五星评价 of the cases reported in a period, per post, grid and worker, with the
// formula it used (handlers/ratings/fiveStar.ts).
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { invalid } from '../../handlers/errors';
import { localDay, localMidnight } from '../../handlers/localTime';
import { rateServices, type RatingFormula } from '../../handlers/ratings/fiveStar';
import type { RouteGroup } from './routers';
import { parseInput } from './validate';

const DAY_MS = 24 * 3_600_000;
const MAX_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const instant = z
  .string()
  .refine((value) => DAY.test(value) || !Number.isNaN(Date.parse(value)), { message: 'must be a date (2026-12-02, a local day) or an ISO date-time' })
  .optional();

export function ratingRoutes(routes: RouteGroup, context: HandlerContext, formula: RatingFormula): RouteGroup {
  const query = z.object({ from: instant, to: instant }).strict();
  const { timeZone } = context;
  const start = (value: string) => (DAY.test(value) ? localMidnight(value, timeZone) : new Date(value));
  const end = (value: string) => (DAY.test(value) ? new Date(localMidnight(value, timeZone).getTime() + DAY_MS) : new Date(value));

  routes.router.get('/ratings', async (ctx) => {
    const asked = parseInput(query, ctx.query, 'query');
    const now = context.clock();
    const to = asked.to ? end(asked.to) : now;
    // Default: the last 30 local days, today included.
    const from = asked.from ? start(asked.from) : localMidnight(localDay(new Date(now.getTime() - 29 * DAY_MS), timeZone), timeZone);
    if (from >= to) throw invalid(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw invalid(`the period is over ${MAX_DAYS} days; ask for a shorter one`);
    ctx.body = { from: from.toISOString(), to: to.toISOString(), asOf: now.toISOString(), ...(await rateServices(context, formula, { from, to })) };
  });
  return routes;
}
