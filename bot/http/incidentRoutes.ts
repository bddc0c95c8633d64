// The admin API over incidents: list with filters, and one incident with its timeline (the audit trail).
import { z } from 'zod';
import { notFound } from '../../handlers/errors';
import { INCIDENT_STATUSES } from '../../handlers/incidents/incidentStateMachine';
import type { Taxonomy } from '../../seeds/taxonomy';
import type { Database } from '../../storage/database';
import type { Incident } from '../../storage/entities';
import { findIncidentDetail, listIncidents } from '../../storage/queries/incidentViews';
import type { RouteGroup } from './routers';

const URGENCIES = ['critical', 'high', 'normal'] as const satisfies readonly Incident['urgency'][];
import { parseInput, queryInt } from './validate';

export function incidentRoutes(routes: RouteGroup, db: Database, taxonomy: Taxonomy, clock: () => Date): RouteGroup {
  const listQuery = z.object({
    status: z.enum(INCIDENT_STATUSES).optional(),
    category: z
      .string()
      .refine((code) => taxonomy.isIncidentCategory(code), { message: 'is not a category code from the taxonomy' })
      .optional(),
    urgency: z.enum(URGENCIES).optional(),
    post: z.string().refine((code) => taxonomy.posts.has(code), { message: 'is not a post code from the taxonomy' }).optional(),
    grid: z.string().min(1).max(64).optional(),
    overdue: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
    limit: queryInt({ min: 1, max: 500, default: 100 }),
    offset: queryInt({ min: 0, max: 1_000_000, default: 0 }),
  }).strict(); // an unknown filter is refused, not ignored (it would answer with everything)

  const { router } = routes;
  router.get('/incidents', async (ctx) => {
    ctx.body = await listIncidents(db.read, parseInput(listQuery, ctx.query, 'query'), clock());
  });
  router.get('/incidents/:id', async (ctx) => {
    const detail = await findIncidentDetail(db.read, ctx.params.id, clock());
    if (!detail) throw notFound(`incident ${ctx.params.id} does not exist`);
    ctx.body = detail;
  });
  return routes;
}
