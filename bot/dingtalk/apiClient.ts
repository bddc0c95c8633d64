// DingTalk's server API as the adapter uses it (docs/platforms.md §6, §10): the app's access token, the robot's
// proactive group and 1:1 sends, replies through an inbound message's sessionWebhook, interactive cards (create
// and deliver, update, the HTTP callback route), and message files. Retries what waiting can fix, refreshes a
// refused token once, and never lets a token, secret, session or URL signature into an error message or a log line.
//
// Facts this file relies on, and where they come from (O: official doc or SDK; S: several third-party clients agree):
// - A refused token is HTTP 400 `{"code":"InvalidAuthentication","message":"不合法的access_token","requestid":…}`
//   [S: satorijs/satori #240, alibabacloud-sdk-php/dingtalk #1, ClouGence/open-cdm #342]; the official Python Stream
//   SDK drops its cached token on HTTP 401 [O: dingtalk-stream-sdk-python stream.py]. Both count as a token error.
// - Rate limits are `Forbidden.AccessDenied.QpsLimitForAppkeyAndApi` (per app and API, 20/s on the standard
//   edition) and `Forbidden.AccessDenied.QpsLimitForApi` (per API, all tenants); the window is one second, so
//   waiting a second is the advice. `Forbidden.AccessDenied.ApiCountLimitForOrg` is the monthly quota (10,000 calls
//   on the standard edition). Over 10,000 calls in 20 s from one IP blocks it for 5 minutes with an answer like
//   `{"status":1111,"wait":5,"punish":"deny"}` instead of a code [O: 附录B 如何处理钉钉服务端API限流,
//   open.dingtalk.com/document/development/how-to-process-api-throttling-on-the-dingtalk-server, as mirrored].
//   The QPS refusals come with HTTP 403 [S: DingTalk-Real-AI/dingtalk-openclaw-connector #410, clients' tests].
// - An expired sessionWebhook answers `{"errcode":300001,"errmsg":"session 不存在"}` [S: agentscope-ai/agentscope
//   #1318, agentscope-ai/QwenPaw #2221 #2392]; 130101 is the robots' "send too fast, exceed 20 times per minute"
//   [S: ccfos/nightingale #369, for custom robots; assumed to hold for sessionWebhook too].
// - batchSend answers `{processQueryKey, invalidStaffIdList, flowControlledStaffIdList}` [O: SDK
//   dingtalkrobot_1_0 BatchSendOTOResponseBody]; card APIs answer `{success, result}` and createAndDeliver's result
//   lists `deliverResults` [O: open-dingtalk/dingtalk-card-examples cardReplier.ts; S: SDK users' tests].
import type { Logger } from 'pino';

export interface DingtalkApiOptions {
  /** e.g. https://api.dingtalk.com, no trailing slash needed; tests point it at a stand-in. */
  apiBase: string;
  /** Client ID (AppKey) and Client Secret (AppSecret): the token's credentials. */
  clientId: string;
  clientSecret: string;
  /** Sent with robot messages, card deliveries and file downloads unless a call names another. */
  robotCode: string;
  /** Milliseconds since the epoch; decides when the cached token is too old. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per request, body included. */
  timeoutMs?: number;
  /** Largest message file accepted by downloadMessageFile. */
  maxFileBytes?: number;
  log?: Logger;
}

/** Keys of DingTalk's robot message templates (msgKey); more exist than the three the bot uses. */
export type DingtalkMsgKey = 'sampleText' | 'sampleMarkdown' | 'sampleActionCard' | (string & {});
/** The template's parameters, e.g. `{content}` for sampleText or `{title, text}` for sampleMarkdown; sent as a JSON string. */
export type DingtalkMsgParam = Record<string, string> | string;

export interface RobotMessage {
  msgKey: DingtalkMsgKey;
  msgParam: DingtalkMsgParam;
  /** Defaults to the configured robot. */
  robotCode?: string;
}

export interface UsersMessageSent {
  processQueryKey: string;
  /** Staff ids DingTalk did not accept (not in the organisation, or outside the app's range); the rest were reached. */
  invalidStaffIds: string[];
  /** Staff ids DingTalk held back for sending too often; worth sending to again later. */
  flowControlledStaffIds: string[];
}

export interface DingtalkAt {
  atUserIds?: readonly string[];
  isAtAll?: boolean;
}

/** What a sessionWebhook accepts from this bot (docs/platforms.md §6a); it cannot carry interactive cards. */
export type SessionWebhookBody =
  | { msgtype: 'text'; text: { content: string }; at?: DingtalkAt }
  | { msgtype: 'markdown'; markdown: { title: string; text: string }; at?: DingtalkAt };

export type CardCallbackType = 'STREAM' | 'HTTP';

export interface CardDelivery {
  /** Our id for the card instance; updates and clicks name it. */
  outTrackId: string;
  cardTemplateId: string;
  /** Template variables; DingTalk takes string values only (objects as JSON strings). */
  cardParamMap: Record<string, string>;
  /** `dtv1.card//IM_GROUP.<openConversationId>` or `dtv1.card//IM_ROBOT.<staffId>`; see groupSpaceId / robotSpaceId. */
  openSpaceId: string;
  /** STREAM: clicks come over the Stream connection; HTTP: to the URL registered under callbackRouteKey. */
  callbackType: CardCallbackType;
  callbackRouteKey?: string;
  /** Defaults to the configured robot. */
  robotCode?: string;
  /** Groups only: staff id → nickname to @-mention with the card, or `{"@ALL": "@ALL"}`. */
  atUserIds?: Record<string, string>;
}

export interface DeliveredCard {
  outTrackId: string;
  /** DingTalk's id of the message that carries the card, when it says. */
  carrierId: string | null;
}

export interface CardUpdate {
  outTrackId: string;
  /** Only the keys given change (updateCardDataByKey). */
  cardParamMap: Record<string, string>;
  /** Per-user data: staff id → that user's changed keys (updatePrivateDataByKey). */
  privateData?: Record<string, Record<string, string>>;
}

export interface DingtalkFile {
  bytes: Buffer;
  contentType: string;
}

/** unreachable: network, timeout, 5xx, busy; rate_limited: 429, QPS limits, the IP block; refused: no retry helps. */
export type DingtalkFailureKind = 'unreachable' | 'rate_limited' | 'refused';

/** A DingTalk call that failed after whatever retrying applied. */
export class DingtalkApiError extends Error {
  override name = 'DingtalkApiError';
  /** The API path (no query, so no session or signature), e.g. /v1.0/robot/groupMessages/send. */
  readonly path: string;
  readonly httpStatus: number | null;
  /** DingTalk's code (`invalidParameter.robotCode`, `Forbidden.AccessDenied.QpsLimitForApi`, or a webhook errcode such as "300001"); null when the failure was HTTP, the network, or refused before sending. */
  readonly code: string | null;
  /** DingTalk's own message for it, as given. */
  readonly dingtalkMessage: string | null;
  /** DingTalk's request id, for its support. */
  readonly requestId: string | null;
  readonly kind: DingtalkFailureKind;
  /** True for refusals: the request is wrong or not allowed; the caller should stop and say so. */
  readonly permanent: boolean;
  /** How long DingTalk said to stay away (the IP block), when it said; null otherwise. */
  readonly retryAfterMs: number | null;
  constructor(
    message: string,
    details: { path: string; kind: DingtalkFailureKind; httpStatus?: number | null; code?: string | null; dingtalkMessage?: string | null; requestId?: string | null; retryAfterMs?: number | null; cause?: unknown },
  ) {
    super(maskSecrets(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.path = details.path;
    this.kind = details.kind;
    this.permanent = details.kind === 'refused';
    this.httpStatus = details.httpStatus ?? null;
    this.code = details.code ?? null;
    this.dingtalkMessage = details.dingtalkMessage == null ? null : maskSecrets(details.dingtalkMessage);
    this.requestId = details.requestId ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
  }
}

export const DINGTALK_DEFAULT_API_BASE = 'https://api.dingtalk.com';
/** Where inbound messages' sessionWebhook URLs point (`https://oapi.dingtalk.com/robot/sendBySession?session=…`). */
export const DINGTALK_SESSION_WEBHOOK_ORIGIN = 'https://oapi.dingtalk.com';
/** The sessionWebhook errcode for a session that has expired (about 90 minutes after the message, §6a). */
export const SESSION_WEBHOOK_GONE = '300001';
/**
 * Waits before the 1st, 2nd and 3rd retry of a busy, rate-limited or unreachable DingTalk; then the error goes up.
 * DingTalk's QPS window is one second, so the first wait is a full second.
 */
export const BACKOFF_MS: readonly number[] = [1000, 2000, 4000];

export function groupSpaceId(openConversationId: string): string {
  return `dtv1.card//IM_GROUP.${openConversationId}`;
}

export function robotSpaceId(staffId: string): string {
  return `dtv1.card//IM_ROBOT.${staffId}`;
}

/** True when a sessionWebhook reply failed because the session is gone: send through groupMessages/send instead. */
export function isExpiredSessionWebhook(error: unknown): boolean {
  return error instanceof DingtalkApiError && error.code === SESSION_WEBHOOK_GONE;
}

const QPS_LIMIT = /^Forbidden\.AccessDenied\.QpsLimit/i;
/** Codes seen for a momentarily failing DingTalk [S: clients' retry lists]; retried like a 5xx. */
const BUSY_CODES = new Set(['ServiceUnavailable', 'SystemError', 'system.err', 'InternalError']);
/** sessionWebhook errcodes: -1 system busy, 130101 sending too fast (see the facts above). */
const WEBHOOK_BUSY = new Set([-1]);
const WEBHOOK_RATE_LIMITED = new Set([130101]);
/** What to do about refusals an operator can fix. */
const HINTS = new Map<string, string>([
  ['invalidauthentication', 'DingTalk refused a fresh access token too: check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET'],
  ['forbidden.accessdenied.accesstokenpermissiondenied', "the app lacks this API's permission: grant it under 权限管理 in the developer console and publish a new version"],
  ['forbidden.accessdenied.apicountlimitfororg', "the organisation's monthly API quota is spent (10,000 calls on the standard edition)"],
  [SESSION_WEBHOOK_GONE, 'the sessionWebhook has expired (it lasts about 90 minutes): send through the robot API instead'],
]);
const MAX_JSON_BYTES = 1024 * 1024;

/** Masks the values of query parameters that are credentials or signatures, wherever they appear in a text. */
export function maskSecrets(text: string): string {
  return text.replace(/\b(access_token|accessToken|session|sign|signature|OSSAccessKeyId|security-token|x-oss-signature|x-oss-credential|x-oss-security-token)=[^&\s"'#]*/gi, '$1=***');
}

/** What one exchange ended with, before the retry policy has its say. */
type Outcome<T> = { value: T } | { failure: Failure };
interface Failure {
  kind: DingtalkFailureKind;
  detail: string;
  httpStatus?: number;
  code?: string | null;
  message?: string | null;
  requestId?: string | null;
  /** HTTP 401 or InvalidAuthentication: refresh the token once. */
  isTokenError?: boolean;
  /** Known to outlast the backoff (the IP block): straight to the caller. */
  retryAfterMs?: number;
  /** Refused on our side before or after sending (too large, bad input): never retried. */
  isLocal?: boolean;
  cause?: unknown;
}
interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
}
interface Call {
  /** For messages: the API path, or sessionWebhook / file download for URLs from payloads. */
  label: string;
  /** URL pathname, the error's `path`. */
  path: string;
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  needsToken: boolean;
  maxBytes: number;
  /** URLs taken from payloads must not redirect elsewhere. */
  redirect?: 'follow' | 'error';
}
type Json = Record<string, unknown>;

/** One instance per app (client id + secret): it owns that app's token cache. */
export class DingtalkApiClient {
  private readonly apiBase: string;
  private readonly baseOrigin: string;
  private readonly clock: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly timeoutMs: number;
  private readonly maxFileBytes: number;
  private cachedToken: { token: string; refreshAt: number } | null = null;
  /** The token request in flight, shared by every call that needs a token meanwhile. */
  private pendingToken: Promise<string> | null = null;

  constructor(private readonly options: DingtalkApiOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.baseOrigin = new URL(this.apiBase).origin;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxFileBytes = options.maxFileBytes ?? 20 * 1024 * 1024;
  }

  /** The robot posts into a group it is in (robot_1_0 OrgGroupSend). */
  async sendToGroup(message: RobotMessage & { openConversationId: string }): Promise<{ processQueryKey: string }> {
    const path = '/v1.0/robot/groupMessages/send';
    const body = {
      robotCode: message.robotCode ?? this.options.robotCode,
      openConversationId: message.openConversationId,
      msgKey: message.msgKey,
      msgParam: msgParamString(path, message.msgParam),
    };
    const answer = await this.api(path, 'POST', body);
    return { processQueryKey: stringOr(answer.processQueryKey, '') };
  }

  /**
   * The robot writes 1:1 to members (robot_1_0 BatchSendOTO). Recipients DingTalk rejects or holds back are
   * returned, not thrown, when anyone was reached; when nobody was, the call fails (refused when all were
   * invalid, rate limited when any was only held back).
   */
  async sendToUsers(message: RobotMessage & { userIds: readonly string[] }): Promise<UsersMessageSent> {
    const path = '/v1.0/robot/oToMessages/batchSend';
    if (message.userIds.length === 0) throw new DingtalkApiError(`DingTalk ${path} refused before sending: no userIds`, { path, kind: 'refused' });
    const body = {
      robotCode: message.robotCode ?? this.options.robotCode,
      userIds: [...message.userIds],
      msgKey: message.msgKey,
      msgParam: msgParamString(path, message.msgParam),
    };
    const answer = await this.api(path, 'POST', body);
    const sent: UsersMessageSent = {
      processQueryKey: stringOr(answer.processQueryKey, ''),
      invalidStaffIds: stringList(answer.invalidStaffIdList),
      flowControlledStaffIds: stringList(answer.flowControlledStaffIdList),
    };
    const unreached = new Set([...sent.invalidStaffIds, ...sent.flowControlledStaffIds]);
    if (message.userIds.every((id) => unreached.has(id))) {
      const isHeldBack = sent.flowControlledStaffIds.length > 0;
      throw new DingtalkApiError(
        isHeldBack
          ? `DingTalk ${path} reached nobody: DingTalk held back ${sent.flowControlledStaffIds.length} recipient(s) for sending too often`
          : `DingTalk ${path} reached nobody: every userId is invalid or outside the app's range`,
        { path, kind: isHeldBack ? 'rate_limited' : 'refused', httpStatus: 200 },
      );
    }
    if (unreached.size) this.options.log?.warn({ path, invalid: sent.invalidStaffIds.length, flowControlled: sent.flowControlledStaffIds.length }, 'DingTalk did not reach some recipients');
    return sent;
  }

  /**
   * A reply through an inbound message's sessionWebhook (no token: the URL is the credential). Only DingTalk's
   * own origin is posted to, since the URL comes from a payload. An expired session fails with code 300001
   * (isExpiredSessionWebhook), refused.
   */
  async replyThroughSessionWebhook(sessionWebhook: string, body: SessionWebhookBody): Promise<void> {
    const url = this.checkOrigin(sessionWebhook, 'sessionWebhook', [DINGTALK_SESSION_WEBHOOK_ORIGIN]);
    await this.call(
      { label: 'sessionWebhook', path: url.pathname, method: 'POST', body, needsToken: false, maxBytes: MAX_JSON_BYTES, redirect: 'error', url: url.href },
      (reply) => readWebhookAnswer(reply),
    );
  }

  /** Creates a card instance and delivers it into a group or a member's chat with the robot, in one call. */
  async createAndDeliverCard(card: CardDelivery): Promise<DeliveredCard> {
    const path = '/v1.0/card/instances/createAndDeliver';
    const refuse = (why: string) => new DingtalkApiError(`DingTalk ${path} refused before sending: ${why}`, { path, kind: 'refused' });
    const isGroup = card.openSpaceId.startsWith('dtv1.card//IM_GROUP.');
    const isRobot = card.openSpaceId.startsWith('dtv1.card//IM_ROBOT.');
    if (!isGroup && !isRobot) throw refuse('openSpaceId must be dtv1.card//IM_GROUP.<openConversationId> or dtv1.card//IM_ROBOT.<staffId>');
    if (card.callbackType === 'HTTP' && !card.callbackRouteKey) throw refuse('an HTTP callback needs its callbackRouteKey');
    const robotCode = card.robotCode ?? this.options.robotCode;
    // Not forwardable: a forwarded dispatch card would put its buttons in front of people outside the post.
    const space = { supportForward: false };
    const body = {
      cardTemplateId: card.cardTemplateId,
      outTrackId: card.outTrackId,
      callbackType: card.callbackType,
      ...(card.callbackRouteKey ? { callbackRouteKey: card.callbackRouteKey } : {}),
      cardData: { cardParamMap: card.cardParamMap },
      openSpaceId: card.openSpaceId,
      userIdType: 1, // staff ids (userid), not unionIds
      ...(isGroup
        ? { imGroupOpenSpaceModel: space, imGroupOpenDeliverModel: { robotCode, ...(card.atUserIds ? { atUserIds: card.atUserIds } : {}) } }
        : { imRobotOpenSpaceModel: space, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode } }),
    };
    const result = asObject((await this.cardApi(path, 'POST', body)).result);
    const deliveries = Array.isArray(result.deliverResults) ? result.deliverResults.map(asObject) : [];
    const failed = deliveries.find((delivery) => delivery.success === false);
    if (failed) {
      // Created but not delivered (the robot left the group, the member is out of range): resending the same
      // outTrackId will not change that.
      const why = stringOr(failed.errorMsg, 'no reason given');
      throw new DingtalkApiError(`DingTalk ${path} created card ${card.outTrackId} but could not deliver it to ${stringOr(failed.spaceType, 'its space')}: ${why}`, {
        path, kind: 'refused', httpStatus: 200, dingtalkMessage: why,
      });
    }
    const carrierId = deliveries.map((delivery) => delivery.carrierId).find((id): id is string => typeof id === 'string' && id !== '');
    return { outTrackId: stringOr(result.outTrackId, card.outTrackId), carrierId: carrierId ?? null };
  }

  /** Changes the given keys of a delivered card, for everyone (cardParamMap) or per user (privateData). */
  async updateCard(update: CardUpdate): Promise<void> {
    const path = '/v1.0/card/instances';
    const privateData = update.privateData && Object.keys(update.privateData).length ? update.privateData : null;
    const body = {
      outTrackId: update.outTrackId,
      cardData: { cardParamMap: update.cardParamMap },
      ...(privateData ? { privateData: Object.fromEntries(Object.entries(privateData).map(([userId, params]) => [userId, { cardParamMap: params }])) } : {}),
      cardUpdateOptions: { updateCardDataByKey: true, ...(privateData ? { updatePrivateDataByKey: true } : {}) },
      userIdType: 1,
    };
    await this.cardApi(path, 'PUT', body);
  }

  /** HTTP mode: where DingTalk posts card clicks for a route key, replacing any earlier registration. */
  async registerCardCallback(registration: { callbackRouteKey: string; callbackUrl: string; apiSecret: string }): Promise<{ callbackUrl: string }> {
    const path = '/v1.0/card/callbacks/register';
    const answer = await this.cardApi(path, 'POST', { ...registration, forceUpdate: true });
    return { callbackUrl: stringOr(asObject(answer.result).callbackUrl, registration.callbackUrl) };
  }

  /** A file or picture a member sent the robot: its downloadCode buys a short-lived URL, fetched at once. */
  async downloadMessageFile(file: { downloadCode: string; robotCode?: string }): Promise<DingtalkFile> {
    const path = '/v1.0/robot/messageFiles/download';
    const answer = await this.api(path, 'POST', { downloadCode: file.downloadCode, robotCode: file.robotCode ?? this.options.robotCode });
    if (typeof answer.downloadUrl !== 'string' || !answer.downloadUrl) {
      throw new DingtalkApiError(`DingTalk ${path} failed: the answer has no downloadUrl`, { path, kind: 'unreachable', httpStatus: 200 });
    }
    const target = this.checkDownloadUrl(answer.downloadUrl);
    return this.call(
      { label: 'file download', path: target.pathname, method: 'GET', needsToken: false, maxBytes: this.maxFileBytes, url: target.href },
      (reply): Outcome<DingtalkFile> => {
        if (reply.status === 200) return { value: { bytes: reply.bytes, contentType: reply.headers.get('content-type') ?? 'application/octet-stream' } };
        const kind: DingtalkFailureKind = reply.status === 429 ? 'rate_limited' : reply.status >= 500 ? 'unreachable' : 'refused';
        const detail = reply.status === 403 || reply.status === 404 ? `HTTP ${reply.status}: the download link has expired or was refused` : `HTTP ${reply.status}`;
        return { failure: { kind, httpStatus: reply.status, detail } };
      },
    );
  }

  /** A JSON OpenAPI call with the token header. */
  private api(path: string, method: 'POST' | 'PUT', body: unknown): Promise<Json> {
    return this.call({ label: path, path, method, body, needsToken: true, maxBytes: MAX_JSON_BYTES, url: `${this.apiBase}${path}` }, readApiAnswer);
  }

  /** Card APIs also say `success: false` with HTTP 200. */
  private async cardApi(path: string, method: 'POST' | 'PUT', body: unknown): Promise<Json> {
    return this.call({ label: path, path, method, body, needsToken: true, maxBytes: MAX_JSON_BYTES, url: `${this.apiBase}${path}` }, (reply) => {
      const read = readApiAnswer(reply);
      if ('value' in read && read.value.success === false) {
        const { code, message, requestId } = errorFields(read.value, reply.headers);
        return { failure: { kind: 'refused', httpStatus: reply.status, code, message, requestId, detail: 'DingTalk answered success: false' } };
      }
      return read;
    });
  }

  /** A cached token, or the one request every concurrent caller is waiting for. */
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
    const path = '/v1.0/oauth2/accessToken';
    const requestedAt = this.clock();
    const answer = await this.call(
      {
        label: path, path, method: 'POST', needsToken: false, maxBytes: MAX_JSON_BYTES, url: `${this.apiBase}${path}`,
        body: { appKey: this.options.clientId, appSecret: this.options.clientSecret },
      },
      (reply) => {
        const read = readApiAnswer(reply);
        // A refused token request is a configuration error, whatever code DingTalk gives it.
        if ('failure' in read && read.failure.kind === 'refused') read.failure.detail += ': check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET';
        return read;
      },
    );
    if (typeof answer.accessToken !== 'string' || !answer.accessToken || typeof answer.expireIn !== 'number' || answer.expireIn <= 0) {
      throw new DingtalkApiError(`DingTalk ${path} failed: the answer has no accessToken or expireIn`, { path, kind: 'unreachable', httpStatus: 200 });
    }
    // Refresh 5 minutes early (as the official SDK does), or halfway through a short lifetime, counted from when
    // we asked: the token may have been issued a moment before the answer arrived.
    const lifetimeMs = answer.expireIn * 1000;
    this.cachedToken = { token: answer.accessToken, refreshAt: requestedAt + lifetimeMs - Math.min(5 * 60_000, lifetimeMs / 2) };
    return answer.accessToken;
  }

  /** The retry policy around one call: a token error refreshes once; busy, rate limited or unreachable backs off 3 times. */
  private async call<T>(call: Call, accept: (reply: Reply) => Outcome<T>): Promise<T> {
    let retries = 0;
    let hasRefreshed = false;
    for (;;) {
      const token = call.needsToken ? await this.accessToken() : null;
      const outcome = await this.exchange(call, token, accept);
      if ('value' in outcome) return outcome.value;
      const failure = outcome.failure;
      const isTokenError = token !== null && Boolean(failure.isTokenError);
      // A refused token is dead either way: the next call must not start with it.
      if (isTokenError) this.dropToken(token);
      if (isTokenError && !hasRefreshed) {
        hasRefreshed = true;
        this.options.log?.info({ path: call.path, httpStatus: failure.httpStatus, code: failure.code }, 'DingTalk refused the access token; refreshing it once');
        continue;
      }
      const isWorthWaiting = failure.kind !== 'refused' && !failure.isLocal && failure.retryAfterMs === undefined;
      if (isWorthWaiting && retries < BACKOFF_MS.length) {
        const delayMs = BACKOFF_MS[retries++];
        this.options.log?.warn({ path: call.path, kind: failure.kind, httpStatus: failure.httpStatus, code: failure.code, detail: maskSecrets(failure.detail), retry: retries, delayMs }, 'DingTalk call will be retried');
        await this.sleep(delayMs);
        continue;
      }
      const error = errorFor(call, failure, retries);
      this.options.log?.warn({ path: call.path, kind: error.kind, httpStatus: error.httpStatus, code: error.code, requestId: error.requestId, err: error.message }, 'DingTalk call failed');
      throw error;
    }
  }

  private async exchange<T>(call: Call, token: string | null, accept: (reply: Reply) => Outcome<T>): Promise<Outcome<T>> {
    let reply: Reply;
    try {
      const headers: Record<string, string> = {};
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      if (token !== null) headers['x-acs-dingtalk-access-token'] = token;
      const response = await fetch(call.url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        redirect: call.redirect ?? 'follow',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const bytes = await readLimited(response, call.maxBytes);
      if (bytes === null) return { failure: { kind: 'refused', isLocal: true, httpStatus: response.status, detail: `the answer is larger than ${call.maxBytes} bytes` } };
      reply = { status: response.status, headers: response.headers, bytes };
    } catch (error) {
      // Read by name, not instanceof: fetch's errors come from Node's own realm (and jest runs another).
      const name = (error as { name?: unknown } | null)?.name;
      const isTimeout = name === 'TimeoutError' || name === 'AbortError';
      const reason = isTimeout ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      return { failure: { kind: 'unreachable', detail: reason, cause: error } };
    }
    return accept(reply);
  }

  /** Payload URLs are posted to only on DingTalk: apiBase's origin or the listed origins. */
  private checkOrigin(raw: string, what: string, origins: readonly string[]): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DingtalkApiError(`DingTalk ${what} refused: not a URL`, { path: '', kind: 'refused' });
    }
    const isDingtalk = !url.username && !url.password && (url.origin === this.baseOrigin || origins.includes(url.origin));
    if (!isDingtalk) throw new DingtalkApiError(`DingTalk ${what} refused: ${url.origin} is not DingTalk's (${[...origins, this.baseOrigin].join(', ')})`, { path: url.pathname, kind: 'refused' });
    return url;
  }

  /** DingTalk's own answer names the file's URL (object storage, host not documented): https, or apiBase's origin. */
  private checkDownloadUrl(raw: string): URL {
    const path = '/v1.0/robot/messageFiles/download';
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new DingtalkApiError(`DingTalk ${path} failed: the downloadUrl is not a URL`, { path, kind: 'refused' });
    }
    if (url.username || url.password || (url.protocol !== 'https:' && url.origin !== this.baseOrigin)) {
      throw new DingtalkApiError(`DingTalk ${path} failed: the downloadUrl is not an https URL`, { path, kind: 'refused' });
    }
    return url;
  }
}

/** An OpenAPI answer: 2xx JSON is the value; anything else a failure to classify. */
function readApiAnswer(reply: Reply): Outcome<Json> {
  const text = reply.bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  const block = ipBlock(body, text);
  if (block) return { failure: { kind: 'rate_limited', httpStatus: reply.status, retryAfterMs: block, detail: `this server's IP is blocked by DingTalk for ${block / 60_000} minutes (over 10,000 calls in 20 s)` } };
  const isOk = reply.status >= 200 && reply.status < 300;
  if (isOk && body) return { value: body };
  const { code, message, requestId } = errorFields(body, reply.headers);
  const base = { httpStatus: reply.status, code, message, requestId };
  if (isOk) return { failure: { ...base, kind: 'unreachable', detail: `HTTP ${reply.status}, the answer is not a JSON object` } };
  const detail = `HTTP ${reply.status}`;
  if (reply.status === 401 || (code !== null && code.toLowerCase() === 'invalidauthentication')) return { failure: { ...base, kind: 'refused', isTokenError: true, detail } };
  if (reply.status === 429 || (code !== null && QPS_LIMIT.test(code))) return { failure: { ...base, kind: 'rate_limited', detail } };
  if (reply.status >= 500 || (code !== null && BUSY_CODES.has(code))) return { failure: { ...base, kind: 'unreachable', detail } };
  return { failure: { ...base, kind: 'refused', detail } };
}

/** A sessionWebhook answers `{errcode, errmsg}` like the legacy API: non-zero errcode is a failure. */
function readWebhookAnswer(reply: Reply): Outcome<Json> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(reply.bytes.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : null;
  const errcode = body?.errcode;
  if (typeof errcode === 'number' && errcode !== 0) {
    const message = typeof body?.errmsg === 'string' ? body.errmsg : null;
    const kind: DingtalkFailureKind = WEBHOOK_RATE_LIMITED.has(errcode) ? 'rate_limited' : WEBHOOK_BUSY.has(errcode) ? 'unreachable' : 'refused';
    return { failure: { kind, httpStatus: reply.status, code: String(errcode), message, detail: `errcode ${errcode}` } };
  }
  if (reply.status === 429) return { failure: { kind: 'rate_limited', httpStatus: reply.status, detail: `HTTP ${reply.status}` } };
  if (reply.status >= 500) return { failure: { kind: 'unreachable', httpStatus: reply.status, detail: `HTTP ${reply.status}` } };
  if (reply.status !== 200) return { failure: { kind: 'refused', httpStatus: reply.status, detail: `HTTP ${reply.status}` } };
  if (!body) return { failure: { kind: 'unreachable', httpStatus: reply.status, detail: 'HTTP 200, the answer is not a JSON object' } };
  return { value: body };
}

/** The IP block's answer (`{"status":1111,"wait":5,"punish":"deny"}`, maybe inside an HTML page): minutes to wait, in ms. */
function ipBlock(body: Json | null, text: string): number | null {
  if (body ? body.punish === undefined : !/["']punish["']\s*:/.test(text)) return null;
  const wait = body && typeof body.wait === 'number' ? body.wait : Number(/["']wait["']\s*:\s*(\d+)/.exec(text)?.[1] ?? 5);
  return Math.max(1, wait) * 60_000;
}

function errorFields(body: Json | null, headers: Headers): { code: string | null; message: string | null; requestId: string | null } {
  const code = typeof body?.code === 'string' && body.code ? body.code : typeof body?.errcode === 'number' && body.errcode !== 0 ? String(body.errcode) : null;
  const message = typeof body?.message === 'string' ? body.message : typeof body?.errmsg === 'string' ? body.errmsg : null;
  const requestId = typeof body?.requestid === 'string' ? body.requestid : headers.get('x-acs-request-id');
  return { code, message, requestId };
}

function errorFor(call: Call, failure: Failure, retries: number): DingtalkApiError {
  const { code, message } = failure;
  const hint = code ? HINTS.get(code.toLowerCase()) : undefined;
  const what = [failure.detail, code, message ? `(${message})` : null].filter(Boolean).join(' ');
  const after = retries ? ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : '';
  const request = failure.requestId ? ` [requestid ${failure.requestId}]` : '';
  return new DingtalkApiError(`DingTalk ${call.label} failed: ${what}${hint ? `: ${hint}` : ''}${after}${request}`, {
    path: call.path,
    kind: failure.kind,
    httpStatus: failure.httpStatus,
    code,
    dingtalkMessage: message,
    requestId: failure.requestId,
    retryAfterMs: failure.retryAfterMs,
    cause: failure.cause,
  });
}

/** msgParam goes as a JSON string of an object; a string given is checked, not re-encoded. */
function msgParamString(path: string, param: DingtalkMsgParam): string {
  if (typeof param !== 'string') return JSON.stringify(param);
  let parsed: unknown;
  try {
    parsed = JSON.parse(param);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new DingtalkApiError(`DingTalk ${path} refused before sending: msgParam must be a JSON object (as a string or an object)`, { path, kind: 'refused' });
  }
  return param;
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
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
