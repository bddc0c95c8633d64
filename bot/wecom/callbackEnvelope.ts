// What the two WeCom callback URLs share: the signed query, the raw body read with a size limit (the
// signature covers the ciphertext exactly as sent, so nothing parses the body before it is verified), the
// URL verification GET, and refusals as 4xx with WeCom's own error numbers.
import type { Context } from 'koa';
import { CallbackRefused } from '../http/callbackBody';
import { EnvelopeRefused, openEnvelope, type CallbackCredentials, type SignedCiphertext } from './callbackCrypto';
import { WecomPayloadError } from './payloadError';

// The raw body and the refusal are the same for every platform's webhook.
export { CALLBACK_BODY_LIMIT, CallbackRefused, readRawBody } from '../http/callbackBody';

/**
 * A query parameter decoded without turning `+` into a space: echostr is base64 and a proxy that leaves a
 * `+` unescaped would otherwise break it (platforms.md §1.2).
 */
export function queryParam(ctx: Context, name: string): string | undefined {
  for (const pair of ctx.querystring.split('&')) {
    const at = pair.indexOf('=');
    const key = at < 0 ? pair : pair.slice(0, at);
    if (key !== name) continue;
    try {
      return decodeURIComponent(at < 0 ? '' : pair.slice(at + 1));
    } catch {
      throw new CallbackRefused(400, `query parameter ${name} is not valid percent-encoding`);
    }
  }
  return undefined;
}

/** The signature, timestamp and nonce of the query; WeCom names the signature msg_signature. */
export function signedQuery(ctx: Context, encrypt: string): SignedCiphertext {
  const signature = queryParam(ctx, 'msg_signature') ?? queryParam(ctx, 'msgsignature') ?? queryParam(ctx, 'signature');
  const timestamp = queryParam(ctx, 'timestamp');
  const nonce = queryParam(ctx, 'nonce');
  if (!signature || !timestamp || !nonce) throw new CallbackRefused(401, 'msg_signature, timestamp and nonce are required');
  return { signature, timestamp, nonce, encrypt };
}

/** Verifies and decrypts; the replay window applies to messages, not to the console's URL check. */
export function openSigned(credentials: CallbackCredentials, signed: SignedCiphertext, now: Date | null): string {
  try {
    return openEnvelope(credentials, signed, now);
  } catch (error) {
    if (error instanceof EnvelopeRefused) throw new CallbackRefused(error.fault === 'bad_ciphertext' ? 400 : 401, error.message);
    throw error;
  }
}

/** GET <url>?msg_signature&timestamp&nonce&echostr: answer the decrypted echostr, as is, within a second. */
export function answerUrlVerification(ctx: Context, credentials: CallbackCredentials): void {
  const echostr = queryParam(ctx, 'echostr');
  if (!echostr) throw new CallbackRefused(400, 'echostr is required');
  ctx.type = 'text/plain';
  ctx.body = openSigned(credentials, signedQuery(ctx, echostr), null);
}

/** Runs a callback route and answers its refusals (they carry no internals, and WeCom only logs them). */
export async function refusingBadCallbacks(ctx: Context, handle: () => Promise<void>, onRefused: (reason: string) => void): Promise<void> {
  try {
    await handle();
  } catch (error) {
    if (error instanceof CallbackRefused || error instanceof WecomPayloadError) {
      const status = error instanceof CallbackRefused ? error.status : 400;
      onRefused(error.message);
      // The rest of an oversized body is never read: the connection cannot carry another request.
      if (status === 413) ctx.set('Connection', 'close');
      ctx.status = status;
      ctx.type = 'application/json';
      ctx.body = { error: error.message };
      return;
    }
    throw error;
  }
}
