// The Koa application: error answers and the routers of each part. Access (the admin token) and body
// parsing belong to each router (bot/http/routers.ts). Routes stay thin: validate, call one handler or
// query, shape the answer.
import Koa from 'koa';
import type { Logger } from 'pino';
import { errorResponses } from './errors';
import type { RouteGroup } from './routers';

export function createApp(log: Logger, groups: RouteGroup[]): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(errorResponses(log));
  // No allowedMethods(): it answers OPTIONS (200) and wrong methods (405) from every router's matches
  // before any route (and so before the token check) runs. A method a route does not have is a plain 404.
  for (const { router } of groups) app.use(router.routes());
  return app;
}
