// Turns every failure into a JSON answer: refusals from handlers keep their kind (400/403/404/409) and
// message; malformed bodies are 400; anything unexpected is logged and answered 500 without internals.
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../../handlers/errors';

const STATUS: Record<DomainErrorKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

export function errorResponses(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: `no route for ${ctx.method} ${ctx.path}` };
      }
    } catch (caught) {
      if (caught instanceof DomainError) {
        ctx.status = STATUS[caught.kind];
        ctx.body = { error: caught.message };
        return;
      }
      const error = caught as Error & { status?: number; expose?: boolean };
      if (error.status && error.status >= 400 && error.status < 500) {
        ctx.status = error.status;
        ctx.body = { error: error.status === 400 && /json/i.test(error.message) ? `malformed JSON body: ${error.message}` : error.message };
        return;
      }
      log.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal error; it has been logged' };
    }
  };
}
