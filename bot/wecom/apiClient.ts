// WeCom's server API as the adapter uses it (docs/platforms.md §3.3–§3.5, §4.4, §5, §10): the self-built
// app's access_token, message/send and update_template_card, group robot webhooks, the intelligent bot's
// one-shot response_url, and media downloads. Retries what waiting can fix, refreshes a revoked token once,
// and never lets a token, robot key, response code or URL signature into an error message or a log line.
import { createDecipheriv } from 'node:crypto';
import type { Logger } from 'pino';

export interface WecomApiOptions {
  /** e.g. https://qyapi.weixin.qq.com, no trailing slash; tests point it at a stand-in. */
  apiBase: string;
  corpId: string | null;
  /** The self-built app's secret; null when only the bot or group robots are configured. */
  secret: string | null;
  agentId: number | null;
  /** Milliseconds since the epoch; decides when the cached token is too old. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per request, body included. */
  timeoutMs?: number;
  /** Largest media download accepted (media/get, bot media). */
  maxMediaBytes?: number;
  /**
   * Hosts (besides apiBase's origin and qyapi.weixin.qq.com) bot media may be fetched from, over https. WeCom's
   * own sample message (doc 100719) serves bot images from this COS bucket, not from qyapi.
   */
  botMediaHosts?: readonly string[];
  log?: Logger;
}

export interface AppMessageSent {
  msgid?: string;
  /** Comes back for button/vote/multiple interaction cards only; single-use (§3.4). */
  response_code?: string;
  /** "u1|u2": recipients WeCom did not reach although the call succeeded. */
  invaliduser?: string;
  invalidparty?: string;
  invalidtag?: string;
}

export interface MediaDownload {
  bytes: Buffer;
  contentType: string;
  fileName?: string;
}

/** A WeCom call that failed after whatever retrying applied. */
export class WecomApiError extends Error {
  override name = 'WecomApiError';
  /** The API path (no query, so no token or key), e.g. /cgi-bin/message/send. */
  readonly path: string;
  /** WeCom's errcode, null when the failure was HTTP, the network, or refused before sending. */
  readonly errcode: number | null;
  /** True when retrying cannot fix it: configuration or request errors; the caller should stop and say so. */
  readonly permanent: boolean;
  readonly httpStatus: number | null;
  constructor(message: string, details: { path: string; errcode?: number | null; permanent: boolean; httpStatus?: number | null; cause?: unknown }) {
    super(maskSecrets(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.path = details.path;
    this.errcode = details.errcode ?? null;
    this.permanent = details.permanent;
    this.httpStatus = details.httpStatus ?? null;
  }
}

export const WECOM_DEFAULT_API_BASE = 'https://qyapi.weixin.qq.com';
/** Where the official sample (doc 100719) serves the intelligent bot's images. */
export const WECOM_BOT_MEDIA_HOSTS: readonly string[] = ['ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com'];
/** Waits before the 1st, 2nd and 3rd retry of a busy or unreachable WeCom; then the error goes up. */
export const BACKOFF_MS: readonly number[] = [500, 1000, 2000];

/** 40014 invalid and 42001 expired access_token: WeCom may revoke a token early (§10). */
const TOKEN_ERRORS = new Set([40014, 42001]);
/**
 * -1 system busy, 45009 frequency limit, 45033 concurrency limit, 130101 the group robot's "send too fast"
 * (§5 names it for the 20/minute limit; the brief and several libraries name 45009).
 */
const BUSY_ERRORS = new Set([-1, 45009, 45033, 130101]);
/** Errors no retry fixes, with what to do about the ones an operator can fix. */
const PERMANENT_ERRORS = new Map<number, string>([
  [40001, 'invalid secret: check WECOM_SECRET'],
  [40013, 'invalid corp id: check WECOM_CORP_ID'],
  [60020, "this server's IP is not trusted: add this server's IP to 企业可信IP in the app's settings"],
  [40056, 'invalid agentid: check WECOM_AGENT_ID'],
  [301002, 'the secret has no permission on this app: check WECOM_SECRET and WECOM_AGENT_ID'],
  [48002, 'the app may not call this API'],
  [60011, "a recipient is outside the app's visible range (可见范围)"],
  [81013, 'no valid recipient: every user, party and tag is invalid or out of range'],
  [40003, 'invalid userid'],
  [43004, 'the recipient has not activated WeCom'],
  [40007, 'invalid or expired media_id'],
  [40008, 'invalid message type'],
  [40058, 'invalid parameter'],
  [41001, 'missing access_token'],
  [41004, 'missing secret'],
  [41016, 'missing title'],
  [44004, 'empty text content'],
  [45002, 'message too long'],
  [47001, 'malformed JSON body'],
  [93000, 'invalid webhook key: check WECOM_ROBOT_KEYS'],
]);
const MAX_JSON_BYTES = 1024 * 1024;

/** Masks the values of query parameters that are credentials, wherever they appear in a text. */
export function maskSecrets(text: string): string {
  return text.replace(/\b(access_token|corpsecret|key|response_code|sign)=[^&\s"'#]*/gi, '$1=***');
}

/** What one exchange ended with, before the retry policy has its say. */
type Outcome<T> = { value: T } | { failure: Failure };
interface Failure {
  errcode: number | null;
  detail: string;
  httpStatus?: number;
  /** The network, a timeout, HTTP 5xx or 429: worth another go. */
  isTransient?: boolean;
  /** Refused on our side (too large, undecryptable): no retry, permanent. */
  isLocal?: boolean;
  cause?: unknown;
}
interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
}
interface Call {
  /** For messages: message/send, webhook/send, response_url … */
  label: string;
  /** URL pathname, the error's `path`. */
  path: string;
  url: (token: string | null) => string;
  method: 'GET' | 'POST';
  body?: unknown;
  needsToken: boolean;
  maxBytes: number;
  /** URLs taken from payloads must not redirect elsewhere. */
  redirect?: 'follow' | 'error';
}

/** One instance per app (corp id + secret): it owns that app's token cache. */
export class WecomApi {
  private readonly apiBase: string;
  private readonly baseOrigin: string;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly maxMediaBytes: number;
  private readonly botMediaHosts: readonly string[];
  private cachedToken: { token: string; refreshAt: number } | null = null;
  /** The gettoken in flight, shared by every call that needs a token meanwhile. */
  private pendingToken: Promise<string> | null = null;

  constructor(private readonly options: WecomApiOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.baseOrigin = new URL(this.apiBase).origin;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxMediaBytes = options.maxMediaBytes ?? 20 * 1024 * 1024;
    this.botMediaHosts = options.botMediaHosts ?? WECOM_BOT_MEDIA_HOSTS;
  }

  /** message/send from the self-built app; `invaliduser` is returned, not thrown: the others were reached. */
  async sendAppMessage(body: object): Promise<AppMessageSent> {
    const sent = await this.appPost<AppMessageSent & Record<string, unknown>>('message/send', body);
    const unreached = [sent.invaliduser, sent.invalidparty, sent.invalidtag].filter((list) => typeof list === 'string' && list !== '');
    if (unreached.length) this.options.log?.warn({ path: '/cgi-bin/message/send', msgid: sent.msgid, unreached: unreached.join('|').split('|').length }, 'WeCom did not reach some recipients');
    return sent;
  }

  /** update_template_card with a click's (or the send's) response_code, which WeCom accepts once. */
  async updateTemplateCard(body: object): Promise<{ invaliduser?: string }> {
    return this.appPost('message/update_template_card', body);
  }

  /** A group robot webhook (消息推送); the key is the robot's only credential, so it never leaves this call. */
  async robotSend(key: string, body: object): Promise<Record<string, unknown>> {
    const path = '/cgi-bin/webhook/send';
    return this.call(
      { label: 'webhook/send', path, method: 'POST', body, needsToken: false, maxBytes: MAX_JSON_BYTES, url: () => `${this.apiBase}${path}?key=${encodeURIComponent(key)}` },
      (reply) => this.readJson(reply),
    );
  }

  /** The intelligent bot's one-shot response_url (§4.4); only WeCom's own origin, since the URL comes from a payload. */
  async respondVia(responseUrl: string, body: object): Promise<Record<string, unknown>> {
    const url = this.checkOrigin(responseUrl, 'response_url', []);
    return this.call(
      { label: 'response_url', path: url.pathname, method: 'POST', body, needsToken: false, maxBytes: MAX_JSON_BYTES, redirect: 'error', url: () => url.href },
      (reply) => this.readJson(reply),
    );
  }

  /** media/get: the file's bytes; WeCom answers errors as JSON in place of the file. */
  async downloadMedia(mediaId: string): Promise<MediaDownload> {
    const path = '/cgi-bin/media/get';
    this.requireApp(path);
    return this.call(
      {
        label: 'media/get', path, method: 'GET', needsToken: true, maxBytes: this.maxMediaBytes,
        url: (token) => `${this.apiBase}${path}?access_token=${encodeURIComponent(token!)}&media_id=${encodeURIComponent(mediaId)}`,
      },
      (reply): Outcome<MediaDownload> => {
        const failed = this.jsonErrorInsteadOfFile(reply);
        if (failed) return { failure: failed };
        const fileName = fileNameOf(reply.headers.get('content-disposition'));
        return { value: { bytes: reply.bytes, contentType: reply.headers.get('content-type') ?? 'application/octet-stream', ...(fileName ? { fileName } : {}) } };
      },
    );
  }

  /** A bot message's image/file url: download, then decrypt with the bot's EncodingAESKey (§4.1). */
  async downloadBotMedia(url: string, encodingAesKey: string): Promise<Buffer> {
    const target = this.checkOrigin(url, 'bot media url', this.botMediaHosts);
    const path = target.pathname;
    const encrypted = await this.call(
      { label: 'bot media download', path, method: 'GET', needsToken: false, maxBytes: this.maxMediaBytes, redirect: 'error', url: () => target.href },
      (reply): Outcome<Buffer> => {
        if (reply.status >= 500 || reply.status === 429) return { failure: { errcode: null, httpStatus: reply.status, isTransient: true, detail: `HTTP ${reply.status}` } };
        if (reply.status !== 200) return { failure: { errcode: null, httpStatus: reply.status, detail: `HTTP ${reply.status}` } };
        return { value: reply.bytes };
      },
    );
    try {
      return decryptBotMedia(encrypted, encodingAesKey);
    } catch (error) {
      throw new WecomApiError(`WeCom bot media download failed: ${(error as Error).message}`, { path, permanent: true, cause: error });
    }
  }

  private async appPost<T>(name: string, body: object): Promise<T> {
    const path = `/cgi-bin/${name}`;
    const agentId = this.requireApp(path);
    const withAgent = 'agentid' in body ? body : { ...body, agentid: agentId };
    return this.call(
      { label: name, path, method: 'POST', body: withAgent, needsToken: true, maxBytes: MAX_JSON_BYTES, url: (token) => `${this.apiBase}${path}?access_token=${encodeURIComponent(token!)}` },
      (reply) => this.readJson<T>(reply),
    );
  }

  private requireApp(path: string): number | null {
    if (!this.options.corpId || !this.options.secret) {
      throw new WecomApiError(`WeCom ${path} needs the self-built app: set WECOM_CORP_ID, WECOM_SECRET and WECOM_AGENT_ID`, { path, permanent: true });
    }
    return this.options.agentId;
  }

  /** A cached token, or the one gettoken every concurrent caller is waiting for. */
  private accessToken(): Promise<string> {
    const cached = this.cachedToken;
    if (cached && this.clock() < cached.refreshAt) return Promise.resolve(cached.token);
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = null;
    });
    return this.pendingToken;
  }

  /** Drops the token only if it is still the one that failed: a concurrent caller may have refreshed it already. */
  private dropToken(stale: string): void {
    if (this.cachedToken?.token === stale) this.cachedToken = null;
  }

  private async fetchToken(): Promise<string> {
    const path = '/cgi-bin/gettoken';
    const requestedAt = this.clock();
    const { corpId, secret } = this.options;
    const answer = await this.call(
      {
        label: 'gettoken', path, method: 'GET', needsToken: false, maxBytes: MAX_JSON_BYTES,
        url: () => `${this.apiBase}${path}?corpid=${encodeURIComponent(corpId!)}&corpsecret=${encodeURIComponent(secret!)}`,
      },
      (reply) => this.readJson<{ access_token?: unknown; expires_in?: unknown }>(reply),
    );
    if (typeof answer.access_token !== 'string' || !answer.access_token || typeof answer.expires_in !== 'number' || answer.expires_in <= 0) {
      throw new WecomApiError('WeCom gettoken failed: the answer has no access_token or expires_in', { path, permanent: false });
    }
    // Refresh 5 minutes early, or halfway through a short lifetime, counted from when we asked: the token
    // may have been issued a moment before the answer arrived.
    const lifetimeMs = answer.expires_in * 1000;
    this.cachedToken = { token: answer.access_token, refreshAt: requestedAt + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 2) };
    return answer.access_token;
  }

  /** The retry policy around one call: a token error refreshes once, busy or unreachable backs off 3 times. */
  private async call<T>(call: Call, accept: (reply: Reply) => Outcome<T>): Promise<T> {
    let retries = 0;
    let hasRefreshed = false;
    for (;;) {
      const token = call.needsToken ? await this.accessToken() : null;
      const outcome = await this.exchange(call, token, accept);
      if ('value' in outcome) return outcome.value;
      const failure = outcome.failure;
      const isTokenError = token !== null && failure.errcode !== null && TOKEN_ERRORS.has(failure.errcode);
      // A refused token is dead either way: the next call must not start with it.
      if (isTokenError) this.dropToken(token);
      if (isTokenError && !hasRefreshed) {
        hasRefreshed = true;
        this.options.log?.info({ path: call.path, errcode: failure.errcode }, 'WeCom refused the access_token; refreshing it once');
        continue;
      }
      const isBusy = failure.isTransient || (failure.errcode !== null && BUSY_ERRORS.has(failure.errcode));
      if (isBusy && retries < BACKOFF_MS.length) {
        const delayMs = BACKOFF_MS[retries++];
        this.options.log?.warn({ path: call.path, errcode: failure.errcode, httpStatus: failure.httpStatus, detail: maskSecrets(failure.detail), retry: retries, delayMs }, 'WeCom call will be retried');
        await this.sleep(delayMs);
        continue;
      }
      const error = this.errorFor(call, failure, retries);
      this.options.log?.warn({ path: call.path, errcode: error.errcode, httpStatus: error.httpStatus, permanent: error.permanent, err: error.message }, 'WeCom call failed');
      throw error;
    }
  }

  private async exchange<T>(call: Call, token: string | null, accept: (reply: Reply) => Outcome<T>): Promise<Outcome<T>> {
    let reply: Reply;
    try {
      const response = await fetch(call.url(token), {
        method: call.method,
        headers: call.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        redirect: call.redirect ?? 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const bytes = await readLimited(response, call.maxBytes);
      if (bytes === null) return { failure: { errcode: null, isLocal: true, httpStatus: response.status, detail: `the answer is larger than ${call.maxBytes} bytes` } };
      reply = { status: response.status, headers: response.headers, bytes };
    } catch (error) {
      // Read by name, not instanceof: fetch's errors come from Node's own realm (and jest runs another).
      const name = (error as { name?: unknown } | null)?.name;
      const isTimeout = name === 'TimeoutError' || name === 'AbortError';
      const reason = isTimeout ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      return { failure: { errcode: null, isTransient: true, detail: reason, cause: error } };
    }
    return accept(reply);
  }

  /** WeCom's JSON answer: errcode 0 (or none) is the value; anything else a failure to classify. */
  private readJson<T>(reply: Reply): Outcome<T> {
    const isServerTrouble = reply.status >= 500 || reply.status === 429;
    let parsed: unknown;
    try {
      parsed = JSON.parse(reply.bytes.toString('utf8'));
    } catch {
      return { failure: { errcode: null, httpStatus: reply.status, isTransient: isServerTrouble, detail: `HTTP ${reply.status}, the answer is not JSON` } };
    }
    if (typeof parsed !== 'object' || parsed === null) return { failure: { errcode: null, httpStatus: reply.status, isTransient: isServerTrouble, detail: `HTTP ${reply.status}, the answer is not a JSON object` } };
    const { errcode, errmsg } = parsed as { errcode?: unknown; errmsg?: unknown };
    if (typeof errcode === 'number' && errcode !== 0) return { failure: { errcode, httpStatus: reply.status, detail: typeof errmsg === 'string' ? errmsg : '' } };
    if (reply.status !== 200) return { failure: { errcode: null, httpStatus: reply.status, isTransient: isServerTrouble, detail: `HTTP ${reply.status}` } };
    return { value: parsed as T };
  }

  /** media/get answers errors as a small JSON body where the file would be; a file has a disposition. */
  private jsonErrorInsteadOfFile(reply: Reply): Failure | null {
    const type = reply.headers.get('content-type') ?? '';
    const looksLikeJson = /^(application\/json|text\/plain)/i.test(type) && !reply.headers.get('content-disposition');
    if (looksLikeJson || reply.status !== 200) {
      const read = this.readJson(reply);
      if ('failure' in read) return read.failure;
      if (looksLikeJson) return { errcode: null, httpStatus: reply.status, detail: 'the answer is JSON, not a file' };
    }
    return null;
  }

  private errorFor(call: Call, failure: Failure, retries: number): WecomApiError {
    const { errcode } = failure;
    const hint = errcode === null ? undefined : PERMANENT_ERRORS.get(errcode);
    const what = errcode !== null ? `errcode ${errcode} (${failure.detail || 'no errmsg'})` : failure.detail;
    const after = retries ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
    return new WecomApiError(`WeCom ${call.label} failed: ${what}${hint ? `: ${hint}` : ''}${after}`, {
      path: call.path,
      errcode,
      httpStatus: failure.httpStatus,
      permanent: Boolean(hint) || Boolean(failure.isLocal),
      cause: failure.cause,
    });
  }

  /** Payload URLs are fetched only from WeCom: apiBase's origin, qyapi over https, or the listed hosts over https. */
  private checkOrigin(raw: string, what: string, extraHosts: readonly string[]): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new WecomApiError(`WeCom ${what} refused: not a URL`, { path: '', permanent: true });
    }
    const isWecom =
      !url.username && !url.password &&
      (url.origin === this.baseOrigin || url.origin === WECOM_DEFAULT_API_BASE || (url.protocol === 'https:' && url.port === '' && extraHosts.includes(url.hostname)));
    if (!isWecom) throw new WecomApiError(`WeCom ${what} refused: ${url.origin} is not WeCom's API origin (${this.baseOrigin})`, { path: url.pathname, permanent: true });
    return url;
  }
}

/**
 * The intelligent bot's media encryption (§4.1): AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the
 * key's first 16 bytes, PKCS#7 padded to a multiple of 32, raw file bytes with no framing. The pad is checked
 * strictly, since a wrong key or a damaged download otherwise "decrypts" to garbage.
 */
export function decryptBotMedia(encrypted: Buffer, encodingAesKey: string): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('the EncodingAESKey does not decode to 32 bytes');
  if (encrypted.length === 0 || encrypted.length % 16 !== 0) throw new Error(`ciphertext length ${encrypted.length} is not a positive multiple of 16`);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > 32 || pad > plain.length) throw new Error(`bad PKCS#7 pad ${pad} (must be 1..32)`);
  for (let i = plain.length - pad; i < plain.length; i++) {
    if (plain[i] !== pad) throw new Error('bad PKCS#7 pad: the pad bytes differ');
  }
  return plain.subarray(0, plain.length - pad);
}

/** Reads the body up to `limit` bytes; null (and the rest discarded) when it is larger. */
async function readLimited(response: Response, limit: number): Promise<Buffer | null> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, size);
}

function describeNetworkError(error: unknown): string {
  const messageOf = (value: unknown) => (typeof (value as { message?: unknown } | null)?.message === 'string' ? (value as { message: string }).message : null);
  const message = messageOf(error);
  if (message === null) return String(error);
  // undici says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND …) is the cause.
  const cause = messageOf((error as { cause?: unknown }).cause);
  return cause ? `${message}: ${cause}` : message;
}

/** `attachment; filename="a.jpg"` or RFC 5987 `filename*=UTF-8''…`; WeCom sends raw UTF-8 bytes in the quoted form. */
function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      return undefined;
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  if (!plain) return undefined;
  // Header values arrive as latin1 code units; bytes that form UTF-8 are re-read as UTF-8.
  const name = plain[1].trim();
  if (!/[\u0080-\u00ff]/.test(name) || /[^\u0000-\u00ff]/.test(name)) return name;
  const utf8 = Buffer.from(name, 'latin1').toString('utf8');
  return utf8.includes('\uFFFD') ? name : utf8;
}
