// A WeCom payload that is not what the platform sends: refused with a short reason, so the callback route
// answers 400 (callbackEnvelope.ts) and the log says which field or rule failed.
export type PayloadFault =
  /** A DOCTYPE or ENTITY declaration: WeCom never sends one, and entity expansion is how XML bombs work. */
  | 'doctype'
  | 'not_xml'
  | 'not_json'
  | 'no_encrypt'
  | 'bad_encrypt'
  | 'missing_field'
  | 'bad_field'
  /** A value that cannot go into a reply as it is (a nonce that would close the CDATA section …). */
  | 'bad_reply';

export class WecomPayloadError extends Error {
  override name = 'WecomPayloadError';
  constructor(
    readonly reason: PayloadFault,
    detail: string,
  ) {
    super(`WeCom payload refused (${reason}): ${detail}`);
  }
}
