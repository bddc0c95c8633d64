// What every platform's webhook shares: the raw body read with a size limit (signatures cover the body or
// its ciphertext exactly as sent, so nothing parses it before it is verified), and a refusal with its status.
import type { Context } from 'koa';
import getRawBody from 'raw-body';

/** Platforms' callbacks are a few KB; anything near this is not a platform. */
export const CALLBACK_BODY_LIMIT = 256 * 1024;

export class CallbackRefused extends Error {
  override name = 'CallbackRefused';
  constructor(readonly status: 400 | 401 | 413 | 415, message: string) {
    super(message);
  }
}

export async function readRawBody(ctx: Context, limit = CALLBACK_BODY_LIMIT): Promise<string> {
  try {
    return await getRawBody(ctx.req, { limit, encoding: 'utf-8' });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new CallbackRefused(413, `body over ${limit} bytes`);
    if (status === 415) throw new CallbackRefused(415, (error as Error).message);
    throw new CallbackRefused(400, `body could not be read: ${(error as Error).message}`);
  }
}
