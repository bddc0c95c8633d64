// Turns every failure into a JSON answer: refusals from handlers keep their kind (400/403/404/409) and
// message; malformed bodies are 400; an unreachable database is 503 (platforms retry on it); anything
// unexpected is logged and answered 500 without internals.
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
      if (isStorageUnavailable(error)) {
        // The platform (or client) should try again: nothing was accepted, so nothing is lost.
        log.error({ err: error, method: ctx.method, path: ctx.path }, 'database unavailable');
        ctx.status = 503;
        ctx.set('Retry-After', '5');
        ctx.body = { error: 'the database is unavailable; try again shortly' };
        return;
      }
      log.error({ err: error, method: ctx.method, path: ctx.path }, 'request failed');
      ctx.status = 500;
      ctx.body = { error: 'internal error; it has been logged' };
    }
  };
}

/** Connection-level failures of MySQL / MariaDB (or a locked SQLite file), as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY']);

function isStorageUnavailable(error: Error & { code?: string; driverError?: { code?: string } }): boolean {
  const code = error.driverError?.code ?? error.code;
  return (code !== undefined && UNAVAILABLE_CODES.has(code)) || error.name === 'ConnectionIsNotSetError';
}
