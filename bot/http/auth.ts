// The admin token: when ADMIN_TOKEN is set, the guarded routes need `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

export function requireBearer(token: string | undefined): Middleware {
  if (!token) return (_ctx, next) => next();
  const expected = digest(token);
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const offered = /^Bearer\s+(.+)$/i.exec(header)?.[1] ?? '';
    // Comparing digests keeps the comparison constant-time whatever the offered length.
    if (!offered || !timingSafeEqual(digest(offered), expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { error: header ? 'wrong admin token' : 'this endpoint needs Authorization: Bearer <ADMIN_TOKEN>' };
      return;
    }
    await next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
