// The enterprise robot's HTTP callbacks are signed (platforms.md §6a, §10): header `sign` =
// base64(HMAC-SHA256(key = appSecret, data = timestamp + "\n" + appSecret)), header `timestamp` in ms.
// Both must hold: the sign matches (compared in constant time) and the timestamp is within an hour of now.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGN_TOLERANCE_MS = 60 * 60 * 1000;

export function robotSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

/** Why a callback's signature headers are refused, or null when they hold. */
export function signatureProblem(headers: { timestamp?: string; sign?: string }, appSecret: string, now: Date): string | null {
  const { timestamp, sign } = headers;
  if (!timestamp || !sign) return 'missing the timestamp or sign header';
  if (!/^\d{13}$/.test(timestamp)) return 'timestamp is not milliseconds since the epoch';
  if (Math.abs(now.getTime() - Number(timestamp)) > SIGN_TOLERANCE_MS) return 'timestamp is more than an hour away from now';
  const expected = Buffer.from(robotSign(timestamp, appSecret));
  const given = Buffer.from(sign);
  // Equal lengths first: timingSafeEqual throws otherwise, and the length of a base64 HMAC is no secret.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'sign does not match';
  return null;
}
