// Who signed an alarm: each source signs the raw body with its own secret (X-Signature: sha256=<hex HMAC>).
// Checked before the body is read as anything; the signature names the source, the body must then agree.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureCheck = { signedBy: string } | { refused: string };

const HEADER = /^sha256=([0-9a-f]{64})$/i;

export function signAlarm(rawBody: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`;
}

/**
 * The source whose secret made this signature, or why none did. Every secret is tried, in constant time each,
 * so a body that is not even JSON can still be told apart: signed (then a 400) or not (a 401).
 */
export function checkAlarmSignature(secrets: ReadonlyMap<string, string>, rawBody: string, header: string | undefined): SignatureCheck {
  if (!header) return { refused: 'X-Signature header is missing' };
  const match = HEADER.exec(header.trim());
  if (!match) return { refused: 'X-Signature must be sha256=<64 hex digits>' };
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  let signedBy: string | null = null;
  for (const [source, secret] of secrets) {
    const expected = createHmac('sha256', secret).update(rawBody, 'utf8').digest();
    if (timingSafeEqual(expected, given) && signedBy === null) signedBy = source;
  }
  return signedBy === null ? { refused: 'signature matches no known alarm source' } : { signedBy };
}
