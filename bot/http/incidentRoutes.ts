// The admin API over incidents: list with filters, and one incident with its timeline (the audit trail).
import Router from 'koa-router';
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { notFound } from '../../handlers/errors';
import { INCIDENT_STATUSES } from '../../handlers/incidentStateMachine';
import type { Taxonomy } from '../../seeds/taxonomy';
import { findIncidentDetail, listIncidents } from '../../storage/queries/incidentViews';
import { parseInput } from './validate';

export function incidentRoutes(dataSource: DataSource, taxonomy: Taxonomy): Router {
  const listQuery = z.object({
    status: z.enum(INCIDENT_STATUSES).optional(),
    category: z
      .string()
      .refine((code) => taxonomy.isIncidentCategory(code), { message: 'is not a category code from the taxonomy' })
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  });

  const router = new Router({ prefix: '/api' });
  router.get('/incidents', async (ctx) => {
    ctx.body = await listIncidents(dataSource, parseInput(listQuery, ctx.query, 'query'));
  });
  router.get('/incidents/:id', async (ctx) => {
    const detail = await findIncidentDetail(dataSource, ctx.params.id);
    if (!detail) throw notFound(`incident ${ctx.params.id} does not exist`);
    ctx.body = detail;
  });
  return router;
}
