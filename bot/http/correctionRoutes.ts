// POST /api/incidents/:id/category: 改类 through the admin API (the dispatcher's card offers the same in its
// 改派 chooser). The answer is the case as it is now.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { recategoriseCase } from '../../handlers/incidents/recategoriseCase';
import { summarise } from '../../storage/queries/incidentViews';
import type { RouteGroup } from './routers';
import { parseInput } from './validate';

const categoryBody = z.object({
  category: z.string().min(1).max(64),
  /** Who corrects it, for the timeline (the admin API has no platform identity). */
  by: z.string().trim().min(1).max(100),
});

export function correctionRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  routes.router.post('/incidents/:id/category', async (ctx) => {
    const body = parseInput(categoryBody, ctx.request.body, 'category body');
    const { incident, changed } = await recategoriseCase(ctx.params.id, body.category, body.by, context);
    const [summary] = await summarise(context.db.read, [incident], context.clock());
    ctx.body = { incident: summary, changed };
  });
  return routes;
}
