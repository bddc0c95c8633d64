// GET /api/stats: the service-level figures of the cases reported in a period (storage/queries/serviceStats.ts).
import { z } from 'zod';
import { invalid } from '../../handlers/errors';
import { localDay, localMidnight } from '../../handlers/localTime';
import type { Taxonomy } from '../../seeds/taxonomy';
import type { Database } from '../../storage/database';
import { serviceStats } from '../../storage/queries/serviceStats';
import type { RouteGroup } from './routers';
import { parseInput } from './validate';

const DAY_MS = 24 * 3_600_000;
const MAX_DAYS = 366;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const instant = z
  .string()
  .refine((value) => DAY.test(value) || !Number.isNaN(Date.parse(value)), { message: 'must be a date (2026-12-02, a local day) or an ISO date-time' })
  .optional();

export function statsRoutes(routes: RouteGroup, db: Database, taxonomy: Taxonomy, clock: () => Date, timeZone: string): RouteGroup {
  const query = z.object({ from: instant, to: instant }).strict();
  // A day alone is the street's local day; as `to` it includes that whole day.
  const start = (value: string) => (DAY.test(value) ? localMidnight(value, timeZone) : new Date(value));
  const end = (value: string) => (DAY.test(value) ? new Date(localMidnight(value, timeZone).getTime() + DAY_MS) : new Date(value));

  routes.router.get('/stats', async (ctx) => {
    const asked = parseInput(query, ctx.query, 'query');
    const now = clock();
    const to = asked.to ? end(asked.to) : now;
    // Default: the last 7 local days, today included.
    const from = asked.from ? start(asked.from) : localMidnight(localDay(new Date(now.getTime() - 6 * DAY_MS), timeZone), timeZone);
    if (from >= to) throw invalid(`"from" (${from.toISOString()}) must be before "to" (${to.toISOString()})`);
    if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw invalid(`the period is over ${MAX_DAYS} days; ask for a shorter one`);
    const stats = await serviceStats(db.read, {
      from, to, now,
      dayOf: (date) => localDay(date, timeZone),
      postName: (code) => taxonomy.posts.get(code)?.name ?? code,
      categoryName: (code) => taxonomy.categories.get(code)?.name ?? code,
    });
    ctx.body = { from: from.toISOString(), to: to.toISOString(), asOf: now.toISOString(), timeZone, ...stats };
  });
  return routes;
}
