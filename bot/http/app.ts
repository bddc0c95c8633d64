// The Koa application: error answers, body parsing, the admin token, and the routers of each part.
// Routes stay thin: validate, call one handler or query, shape the answer.
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type Router from 'koa-router';
import type { Logger } from 'pino';
import { requireBearer } from './auth';
import { errorResponses } from './errors';

export interface AppParts {
  log: Logger;
  adminToken: string | undefined;
  routers: Router[];
  /** Path prefixes behind the admin token (the admin API, the sandbox). Health and platform webhooks stay
   * open: webhooks verify their platform's signature instead. */
  guardedPrefixes: string[];
}

export function createApp(parts: AppParts): Koa {
  const app = new Koa();
  app.proxy = true;
  app.use(errorResponses(parts.log));
  const guard = requireBearer(parts.adminToken);
  app.use((ctx, next) => {
    const guarded = parts.guardedPrefixes.some((prefix) => ctx.path === prefix || ctx.path.startsWith(`${prefix}/`));
    return guarded ? guard(ctx, next) : next();
  });
  app.use(bodyParser({ enableTypes: ['json'], jsonLimit: '256kb', encoding: 'utf-8' }));
  for (const router of parts.routers) app.use(router.routes()).use(router.allowedMethods());
  return app;
}
