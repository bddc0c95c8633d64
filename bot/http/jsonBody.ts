// JSON request bodies, parsed per router (platform webhooks parse their own: XML, signed ciphertext).
// Every way a body can be unreadable is the client's fault and answered as such: malformed JSON 400, a body
// that is not what its Content-Encoding claims 400, an unknown encoding 415, too large 413.
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import { invalid } from '../../handlers/errors';

export const JSON_BODY_LIMIT = '256kb';

/** `limit`: a byte size as the bodyparser reads it ('256kb', '9mb'); JSON_BODY_LIMIT unless a route needs more. */
export function jsonBody(limit: string = JSON_BODY_LIMIT): Middleware {
  return bodyParser({ enableTypes: ['json'], jsonLimit: limit, encoding: 'utf-8', onError: rethrowAsClientError });
}

function rethrowAsClientError(error: Error & { status?: number }, ctx: Context): never {
  if (error.status && error.status >= 400 && error.status < 500) {
    if (error.status === 400 && error instanceof SyntaxError) throw invalid(`malformed JSON body: ${error.message}`);
    throw error;
  }
  // zlib and brotli errors carry no status: the bytes are not what the header says.
  const encoding = ctx.get('content-encoding') || 'identity';
  throw invalid(`body could not be decoded as Content-Encoding ${encoding}: ${error.message}`);
}
