// GET /api/labels: the labels people gave (改类, triage 立案 / 忽略) as JSON lines in the evaluate format,
// ready for `npm run train -- labels.jsonl` and `npm run evaluate`.
import type { Database } from '../../storage/database';
import { labelledExamples } from '../../storage/queries/labelledExamples';
import type { RouteGroup } from './routers';

export function labelRoutes(routes: RouteGroup, db: Database): RouteGroup {
  routes.router.get('/labels', async (ctx) => {
    const examples = await labelledExamples(db.read);
    ctx.type = 'application/x-ndjson; charset=utf-8';
    ctx.body = examples.map((example) => JSON.stringify(example)).join('\n') + (examples.length ? '\n' : '');
  });
  return routes;
}
