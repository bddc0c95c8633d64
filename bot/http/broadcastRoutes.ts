// The admin API for police anti-fraud warnings: send one to every resident and rider group, and list what
// was sent with how many groups and people each reached.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { broadcastPoliceWarning } from '../../handlers/fraud/policeWarning';
import { Broadcast } from '../../storage/entities';
import type { RouteGroup } from './routers';
import { parseInput, queryInt } from './validate';

const warningBody = z.object({ text: z.string().trim().min(1, 'must not be empty').max(1000), by: z.string().trim().min(1).max(100) });
const listQuery = z.object({ limit: queryInt({ min: 1, max: 500, default: 50 }) });

export function broadcastRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  routes.router.post('/broadcasts/police-warning', async (ctx) => {
    const body = parseInput(warningBody, ctx.request.body, 'warning body');
    ctx.status = 201;
    ctx.body = await broadcastPoliceWarning({ text: body.text, sentBy: body.by }, context);
  });
  routes.router.get('/broadcasts', async (ctx) => {
    const { limit } = parseInput(listQuery, ctx.query, 'query');
    const items = await context.db.read.find(Broadcast, { order: { createdAt: 'DESC' }, take: limit });
    ctx.body = { items: items.map((b) => ({ id: b.id, kind: b.kind, text: b.text, sentBy: b.sentBy, groups: b.groups, people: b.people, createdAt: b.createdAt.toISOString() })) };
  });
  return routes;
}
