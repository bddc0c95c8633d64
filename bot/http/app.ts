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
  for (const { router } of groups) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
