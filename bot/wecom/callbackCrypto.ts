// WeCom's callback envelope (docs/platforms.md §1): the signature over the ciphertext, AES-256-CBC with a
// 32-byte PKCS#7 pad, and the receive id trailing the message (the corp id for a self-built app, "" for an
// intelligent bot). @wecom/crypto computes and decrypts but checks none of this (§2, §10), so it is checked
// here: signature compared in constant time, timestamp within a window (replay), the receive id, and the
// pad and length, by re-encrypting what was decrypted and requiring the ciphertext it was sent.
import { timingSafeEqual } from 'node:crypto';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';

export interface CallbackCredentials {
  /** WECOM_TOKEN / WECOM_BOT_TOKEN: up to 32 letters or digits, used only for the signature. */
  token: string;
  /** WECOM_AES_KEY / WECOM_BOT_AES_KEY: 43 characters. */
  encodingAesKey: string;
  /** The corp id for a self-built app; "" for an internal intelligent bot. */
  receiveId: string;
}

export interface SignedCiphertext {
  signature: string;
  timestamp: string;
  nonce: string;
  /** The base64 ciphertext exactly as received (the Encrypt element, the encrypt field, the decoded echostr). */
  encrypt: string;
}

/** Why an envelope was refused, with WeCom's own error numbers where it has one (§1.1). */
export type EnvelopeFault = 'bad_signature' | 'stale_timestamp' | 'bad_ciphertext' | 'wrong_receive_id';
const WECOM_CODE: Record<EnvelopeFault, number> = { bad_signature: -40001, stale_timestamp: -40001, bad_ciphertext: -40007, wrong_receive_id: -40005 };

export class EnvelopeRefused extends Error {
  override name = 'EnvelopeRefused';
  readonly wecomCode: number;
  constructor(readonly fault: EnvelopeFault, detail: string) {
    super(`WeCom callback refused (${fault}): ${detail}`);
    this.wecomCode = WECOM_CODE[fault];
  }
}

/** Callbacks whose timestamp is further than this from our clock are refused as replays. */
export const TIMESTAMP_TOLERANCE_MS = 5 * 60_000;
const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

export function checkCredentials(credentials: CallbackCredentials): void {
  if (!ENCODING_AES_KEY.test(credentials.encodingAesKey)) throw new Error('the WeCom EncodingAESKey must be 43 letters or digits');
  if (!/^[A-Za-z0-9]{1,32}$/.test(credentials.token)) throw new Error('the WeCom token must be 1 to 32 letters or digits');
}

/** Verifies and opens one envelope; `now` null skips the timestamp window (for fixed official vectors). */
export function openEnvelope(credentials: CallbackCredentials, signed: SignedCiphertext, now: Date | null): string {
  const expected = getSignature(credentials.token, signed.timestamp, signed.nonce, signed.encrypt);
  if (!sameText(expected, signed.signature.toLowerCase())) throw new EnvelopeRefused('bad_signature', 'msg_signature does not match');
  if (now) {
    const sentAt = Number(signed.timestamp) * 1000;
    if (!Number.isFinite(sentAt) || Math.abs(now.getTime() - sentAt) > TIMESTAMP_TOLERANCE_MS) {
      throw new EnvelopeRefused('stale_timestamp', `timestamp ${signed.timestamp} is outside ±${TIMESTAMP_TOLERANCE_MS / 60_000} minutes`);
    }
  }
  let opened: { message: string; id: string; random: Buffer };
  try {
    opened = decrypt(credentials.encodingAesKey, signed.encrypt);
  } catch (error) {
    throw new EnvelopeRefused('bad_ciphertext', error instanceof Error ? error.message : String(error));
  }
  // A pad byte out of 1..32 or a length past the end decrypts to something that does not encrypt back to
  // what was sent: one comparison checks both, with the library's own encoder.
  if (encrypt(credentials.encodingAesKey, opened.message, opened.id, opened.random) !== signed.encrypt) {
    throw new EnvelopeRefused('bad_ciphertext', 'padding or length is malformed');
  }
  if (opened.id !== credentials.receiveId) throw new EnvelopeRefused('wrong_receive_id', `receive id is "${opened.id}", expected "${credentials.receiveId}"`);
  return opened.message;
}

/** A passive reply: the plaintext encrypted for the same receive id and signed. */
export function sealReply(credentials: CallbackCredentials, plaintext: string, timestamp: string, nonce: string, random?: Buffer): { encrypt: string; signature: string } {
  const sealed = encrypt(credentials.encodingAesKey, plaintext, credentials.receiveId, random);
  return { encrypt: sealed, signature: getSignature(credentials.token, timestamp, nonce, sealed) };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
