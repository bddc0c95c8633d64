// Serves the sandbox page (one self-contained HTML file) at /.
import { readFileSync } from 'node:fs';
import Router from 'koa-router';
import { fromProjectRoot } from '../../config/projectRoot';

export function sandboxPageRoutes(): Router {
  const html = readFileSync(fromProjectRoot('bot', 'sandbox', 'page', 'index.html'), 'utf8');
  const router = new Router();
  router.get('/', (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = html;
  });
  return router;
}
