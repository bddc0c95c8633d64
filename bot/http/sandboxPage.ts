// Serves the sandbox page (one self-contained HTML file) at /.
import { readFileSync } from 'node:fs';
import { fromProjectRoot } from '../../config/projectRoot';
import type { RouteGroup } from './routers';

export function sandboxPageRoutes(routes: RouteGroup): RouteGroup {
  const html = readFileSync(fromProjectRoot('bot', 'sandbox', 'page', 'index.html'), 'utf8');
  routes.router.get('/', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = html;
  });
  return routes;
}
