// A stand-in for DingTalk's server API (api.dingtalk.com, and oapi.dingtalk.com's sessionWebhook), a real HTTP
// server on 127.0.0.1 that records every request: the access token, robot group and 1:1 sends, interactive cards
// (createAndDeliver, update, callback registration), message file downloads and the file URLs they hand out.
// Tokens expire as DingTalk says they do and sessions are refused once expired. Where DingTalk's exact refusal is
// not known (a bad msgParam, an unknown downloadCode), the code used here is the stand-in's own, marked as such.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Without the query. */
  path: string;
  query: Record<string, string>;
  /** Lower-case names, as node:http gives them. */
  headers: Record<string, string>;
  /** Parsed JSON, or null (no body, or not JSON). */
  body: unknown;
  at: number;
}

/** A canned answer for the next call(s) to a path, given before any validation. */
export type CannedAnswer =
  /** An OpenAPI-style refusal: `{code, message, requestid}` with that status. */
  | { status: number; code?: string; message?: string }
  /** A sessionWebhook-style answer: HTTP 200 `{errcode, errmsg}`. */
  | { errcode: number; errmsg?: string }
  /** A raw answer, e.g. the IP block's page. */
  | { status: number; text: string; contentType?: string }
  /** Never answers (until close): for timeouts. */
  | { hang: true };

export interface DingtalkStandInOptions {
  clientId?: string;
  clientSecret?: string;
  robotCode?: string;
  /** Token lifetime in seconds, as the token answer reports it and as the stand-in enforces it (by Date.now). */
  expireIn?: number;
  /** Staff ids batchSend lists as invalid, and as flow-controlled (held back for sending too often). */
  invalidUsers?: string[];
  flowControlledUsers?: string[];
  /** openSpaceIds createAndDeliver creates a card for but cannot deliver to (the robot is not in that group). */
  undeliverableSpaces?: string[];
}

export interface DeliveredCardRecord {
  cardTemplateId: string;
  openSpaceId: string;
  callbackType: string;
  /** The public data as it stands after every update. */
  cardParamMap: Record<string, string>;
  privateData: Record<string, Record<string, string>>;
}

export interface DingtalkStandIn {
  url: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  /**
   * The next `times` API calls with a valid token answer HTTP 400 InvalidAuthentication ("不合法的access_token", the
   * shape seen from DingTalk for an expired or revoked token), or HTTP 401 when `status` says so; that token stays
   * dead afterwards.
   */
  refuseNextTokenUse(times?: number, status?: 400 | 401): void;
  /** Answers the next `times` calls to `path` with `answer`, before validating them. */
  answerNext(path: string, answer: CannedAnswer, times?: number): void;
  /** A fresh, valid sessionWebhook URL as an inbound message carries it. */
  sessionWebhook(): string;
  /** Makes a sessionWebhook answer 300001 from now on, as after its ~90 minutes. */
  expireSessionWebhook(url: string): void;
  /** A file behind a downloadCode, as a picture or file message would carry it. */
  addFile(downloadCode: string, bytes: Buffer, contentType: string): void;
  /** Cards by outTrackId, as created and updated. */
  cards: ReadonlyMap<string, DeliveredCardRecord>;
  close(): Promise<void>;
}

const TOKEN_HEADER = 'x-acs-dingtalk-access-token';

export async function startDingtalkStandIn(options: DingtalkStandInOptions = {}): Promise<DingtalkStandIn> {
  const clientId = options.clientId ?? 'dingstandin0001';
  const clientSecret = options.clientSecret ?? 'standin-secret';
  const robotCode = options.robotCode ?? clientId;
  const expireIn = options.expireIn ?? 7200;
  const invalidUsers = new Set(options.invalidUsers ?? []);
  const flowControlledUsers = new Set(options.flowControlledUsers ?? []);
  const undeliverable = new Set(options.undeliverableSpaces ?? []);
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, number>(); // token → expires at (ms); 0 = revoked
  const sessions = new Map<string, boolean>(); // session → still valid
  const files = new Map<string, { bytes: Buffer; contentType: string }>(); // downloadCode → file
  const served = new Map<string, string>(); // file URL id → downloadCode
  const cards = new Map<string, DeliveredCardRecord>();
  const canned = new Map<string, CannedAnswer[]>();
  let refusals: { status: 400 | 401 }[] = [];
  let counter = 0;
  const next = () => ++counter;
  let url = '';

  const json = (res: http.ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': `req-${next()}` });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: http.ServerResponse, status: number, code: string, message: string) => json(res, { code, message, requestid: `rid-${next()}` }, status);

  /** Answers DingTalk's refusal of the token header and says so; false when the token is good. */
  const refuseToken = (req: RecordedRequest, res: http.ServerResponse): boolean => {
    const token = req.headers[TOKEN_HEADER];
    const expiresAt = token === undefined ? undefined : tokens.get(token);
    let status: number | null = null;
    if (expiresAt === undefined) status = 401; // never issued, or no header at all
    else if (Date.now() >= expiresAt) status = 400; // issued but expired or revoked: 400, as DingTalk answers in the wild
    else if (refusals.length) {
      status = refusals.shift()!.status;
      tokens.set(token!, 0);
    }
    if (status !== null) refuse(res, status, 'InvalidAuthentication', '不合法的access_token');
    return status !== null;
  };
  const isStringMap = (value: unknown): value is Record<string, string> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((item) => typeof item === 'string');
  const isJsonObjectString = (value: unknown) => {
    if (typeof value !== 'string') return false;
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    } catch {
      return false;
    }
  };
  /** Checks robotCode, msgKey and msgParam as the robot APIs need them; answers the refusal and says so when they are wrong. */
  const refuseRobotMessage = (body: Record<string, unknown>, res: http.ServerResponse): boolean => {
    const refusal: [string, string] | null =
      body.robotCode !== robotCode ? ['invalidParameter.robotCode', 'robotCode不存在']
      : typeof body.msgKey !== 'string' || !body.msgKey ? ['invalidParameter.msgKey', 'msgKey is mandatory']
      // DingTalk takes msgParam as a JSON string; an object here is the classic mistake (stand-in's own code).
      : !isJsonObjectString(body.msgParam) ? ['invalidParameter.msgParam', 'msgParam must be a JSON string']
      : null;
    if (refusal) refuse(res, 400, ...refusal);
    return refusal !== null;
  };

  const routes: Record<string, (req: RecordedRequest, res: http.ServerResponse) => void> = {
    'POST /v1.0/oauth2/accessToken': ({ body }, res) => {
      const { appKey, appSecret } = (body ?? {}) as { appKey?: unknown; appSecret?: unknown };
      // The code for wrong credentials is the stand-in's own: DingTalk's was not found in any source read.
      if (appKey !== clientId || appSecret !== clientSecret) return refuse(res, 400, 'invalidClientIdOrSecret', '无效的clientId或者clientSecret');
      const token = `tok-${tokens.size + 1}`;
      tokens.set(token, Date.now() + expireIn * 1000);
      json(res, { accessToken: token, expireIn });
    },
    'POST /v1.0/robot/groupMessages/send': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (refuseRobotMessage(body, res)) return;
      if (typeof body.openConversationId !== 'string' || !body.openConversationId) return refuse(res, 400, 'invalidParameter.openConversationId', 'openConversationId is mandatory');
      json(res, { processQueryKey: `pqk-${next()}` });
    },
    'POST /v1.0/robot/oToMessages/batchSend': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (refuseRobotMessage(body, res)) return;
      if (!Array.isArray(body.userIds) || body.userIds.length === 0) return refuse(res, 400, 'invalidParameter.userIds', 'userIds is mandatory');
      const userIds = body.userIds as string[];
      json(res, {
        processQueryKey: `pqk-${next()}`,
        invalidStaffIdList: userIds.filter((id) => invalidUsers.has(id)),
        flowControlledStaffIdList: userIds.filter((id) => flowControlledUsers.has(id)),
      });
    },
    'POST /v1.0/card/instances/createAndDeliver': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const outTrackId = body.outTrackId;
      if (typeof outTrackId !== 'string' || !outTrackId) return refuse(res, 400, 'invalidParameter.outTrackId', 'outTrackId is mandatory');
      if (cards.has(outTrackId)) return refuse(res, 400, 'invalidParameter.outTrackId', 'outTrackId already exists'); // stand-in's own
      if (typeof body.cardTemplateId !== 'string' || !body.cardTemplateId) return refuse(res, 400, 'invalidParameter.cardTemplateId', 'cardTemplateId is mandatory');
      const cardParamMap = (body.cardData as { cardParamMap?: unknown } | undefined)?.cardParamMap;
      if (!isStringMap(cardParamMap)) return refuse(res, 400, 'invalidParameter.cardData', 'cardParamMap values must be strings');
      const openSpaceId = String(body.openSpaceId ?? '');
      const group = /^dtv1\.card\/\/IM_GROUP\.(.+)$/.exec(openSpaceId);
      const robot = /^dtv1\.card\/\/IM_ROBOT\.(.+)$/.exec(openSpaceId);
      const deliver = (group ? body.imGroupOpenDeliverModel : robot ? body.imRobotOpenDeliverModel : undefined) as { robotCode?: unknown } | undefined;
      if (!deliver) return refuse(res, 400, 'invalidParameter.openSpaceId', 'openSpaceId and its deliver model do not match');
      if (deliver.robotCode !== robotCode) return refuse(res, 400, 'invalidParameter.robotCode', 'robotCode不存在');
      if (body.callbackType === 'HTTP' && typeof body.callbackRouteKey !== 'string') return refuse(res, 400, 'invalidParameter.callbackRouteKey', 'callbackRouteKey is mandatory for HTTP');
      cards.set(outTrackId, { cardTemplateId: body.cardTemplateId, openSpaceId, callbackType: String(body.callbackType), cardParamMap: { ...cardParamMap }, privateData: {} });
      const spaceType = group ? 'IM_GROUP' : 'IM_ROBOT';
      const spaceId = (group ?? robot)![1];
      const isDelivered = !undeliverable.has(openSpaceId);
      json(res, {
        success: true,
        result: {
          outTrackId,
          deliverResults: [isDelivered ? { spaceType, spaceId, success: true, carrierId: `carrier-${next()}` } : { spaceType, spaceId, success: false, errorMsg: '机器人不在群内' }],
        },
      });
    },
    'PUT /v1.0/card/instances': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const card = cards.get(String(body.outTrackId ?? ''));
      if (!card) return refuse(res, 400, 'invalidParameter.outTrackId', 'card instance not found'); // stand-in's own
      const cardParamMap = (body.cardData as { cardParamMap?: unknown } | undefined)?.cardParamMap ?? {};
      if (!isStringMap(cardParamMap)) return refuse(res, 400, 'invalidParameter.cardData', 'cardParamMap values must be strings');
      const byKey = (body.cardUpdateOptions as { updateCardDataByKey?: unknown } | undefined)?.updateCardDataByKey === true;
      card.cardParamMap = byKey ? { ...card.cardParamMap, ...cardParamMap } : { ...cardParamMap };
      for (const [userId, value] of Object.entries((body.privateData ?? {}) as Record<string, { cardParamMap?: unknown }>)) {
        if (!isStringMap(value?.cardParamMap)) return refuse(res, 400, 'invalidParameter.privateData', 'privateData values must be {cardParamMap}');
        card.privateData[userId] = { ...card.privateData[userId], ...value.cardParamMap };
      }
      json(res, { success: true, result: true });
    },
    'POST /v1.0/card/callbacks/register': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (typeof body.callbackRouteKey !== 'string' || typeof body.callbackUrl !== 'string' || typeof body.apiSecret !== 'string') {
        return refuse(res, 400, 'invalidParameter', 'callbackRouteKey, callbackUrl and apiSecret are mandatory');
      }
      json(res, { success: true, result: { callbackUrl: body.callbackUrl, apiSecret: body.apiSecret } });
    },
    'POST /v1.0/robot/messageFiles/download': (req, res) => {
      if (refuseToken(req, res)) return;
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (body.robotCode !== robotCode) return refuse(res, 400, 'invalidParameter.robotCode', 'robotCode不存在');
      const code = String(body.downloadCode ?? '');
      if (!files.has(code)) return refuse(res, 400, 'invalidParameter.downloadCode', 'downloadCode is invalid or expired'); // stand-in's own
      const id = `f${next()}`;
      served.set(id, code);
      // Signed like an object-storage link, so tests can check that the signature never reaches a log.
      json(res, { downloadUrl: `${url}/files/${id}?Expires=1900000000&OSSAccessKeyId=LTAIstandin&Signature=sig%2Bstandin` });
    },
    'POST /robot/sendBySession': ({ query, body }, res) => {
      const valid = sessions.get(query.session ?? '');
      if (!valid) return json(res, { errcode: 300001, errmsg: 'session 不存在' });
      const message = (body ?? {}) as { msgtype?: unknown; text?: { content?: unknown }; markdown?: { title?: unknown; text?: unknown } };
      const isText = message.msgtype === 'text' && typeof message.text?.content === 'string';
      const isMarkdown = message.msgtype === 'markdown' && typeof message.markdown?.title === 'string' && typeof message.markdown?.text === 'string';
      if (!isText && !isMarkdown) return json(res, { errcode: 40035, errmsg: '缺少参数 json' }); // stand-in's own
      json(res, { errcode: 0, errmsg: 'ok' });
    },
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsedUrl = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = null;
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: parsedUrl.pathname, query: Object.fromEntries(parsedUrl.searchParams), headers, body, at: Date.now() };
      requests.push(recorded);

      const answer = canned.get(recorded.path)?.shift();
      if (answer) {
        if ('hang' in answer) return; // closeAllConnections() ends it
        if ('errcode' in answer) return json(res, { errcode: answer.errcode, errmsg: answer.errmsg ?? `canned errcode ${answer.errcode}` });
        if ('text' in answer) {
          res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/html' });
          return void res.end(answer.text);
        }
        return refuse(res, answer.status, answer.code ?? 'canned', answer.message ?? `canned HTTP ${answer.status}`);
      }
      const fileId = recorded.method === 'GET' && recorded.path.startsWith('/files/') ? recorded.path.slice('/files/'.length) : null;
      if (fileId !== null) {
        const file = files.get(served.get(fileId) ?? '');
        if (!file) {
          res.writeHead(404, { 'content-type': 'application/xml' });
          return void res.end('<Error><Code>NoSuchKey</Code></Error>');
        }
        res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length });
        return void res.end(file.bytes);
      }
      const route = routes[`${recorded.method} ${recorded.path}`];
      if (!route) return refuse(res, 404, 'NotFound', `no route ${recorded.method} ${recorded.path}`);
      try {
        route(recorded, res);
      } catch (error) {
        // A stand-in bug must fail the test at once, not leave the client waiting for its timeout.
        res.destroy(error as Error);
        throw error;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    clientId,
    clientSecret,
    robotCode,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    refuseNextTokenUse: (times = 1, status = 400) => {
      refusals = [...refusals, ...Array.from({ length: times }, () => ({ status }))];
    },
    answerNext: (path, answer, times = 1) => {
      const queued = canned.get(path) ?? [];
      for (let i = 0; i < times; i++) queued.push(answer);
      canned.set(path, queued);
    },
    sessionWebhook: () => {
      const session = `sess${next()}${Math.random().toString(16).slice(2, 10)}`;
      sessions.set(session, true);
      return `${url}/robot/sendBySession?session=${session}`;
    },
    expireSessionWebhook: (webhook) => {
      sessions.set(new URL(webhook).searchParams.get('session') ?? '', false);
    },
    addFile: (downloadCode, bytes, contentType) => {
      files.set(downloadCode, { bytes, contentType });
    },
    cards,
    close: () => {
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // ends keep-alive sockets and answers held by { hang: true }
      });
    },
  };
}
