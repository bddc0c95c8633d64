// A stand-in for WeCom's server API (qyapi.weixin.qq.com), a real HTTP server on 127.0.0.1 that records every
// request: gettoken, message/send, update_template_card, robot webhooks, the bot's response_url and media.
// Tokens, response codes and response_urls behave as WeCom documents them: they expire, and codes are single-use.
import { createCipheriv } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Without the query. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, or null (no body, or not JSON). */
  body: unknown;
  at: number;
}

/** A canned answer for the next call(s) to a path, given before any validation. */
export type CannedAnswer =
  | { errcode: number; errmsg?: string }
  | { status: number; text?: string }
  /** Never answers (until close): for timeouts. */
  | { hang: true };

export interface WecomStandInOptions {
  corpId?: string;
  secret?: string;
  agentId?: number;
  /** Token lifetime in seconds, as gettoken reports it and as the stand-in enforces it (by Date.now). */
  expiresIn?: number;
  /** Group robot keys that exist; anything else is errcode 93000. */
  robotKeys?: string[];
  /** The first API call with a valid token answers 42001 (and that token is dead from then on). */
  answer42001Once?: boolean;
  /** The first robot webhook send answers 45009. */
  answer45009Once?: boolean;
  /** User ids WeCom would list in `invaliduser` (not in the app's range, or gone). */
  invalidUsers?: string[];
}

export interface WecomStandIn {
  url: string;
  corpId: string;
  secret: string;
  agentId: number;
  requests: RecordedRequest[];
  requestsTo(path: string): RecordedRequest[];
  /** The next API call(s) with a valid token answer 42001, and that token stops working. */
  expireNextTokenUse(times?: number): void;
  /** Answers the next `times` calls to `path` with `answer`, before validating them. */
  answerNext(path: string, answer: CannedAnswer, times?: number): void;
  /** A fresh response_code as a card click would carry, valid for update_template_card once. */
  issueResponseCode(): string;
  /** A fresh, valid, single-use intelligent-bot response_url. */
  responseUrl(): string;
  addMedia(mediaId: string, bytes: Buffer, contentType: string, fileName?: string): void;
  /** Serves `plain` encrypted as WeCom encrypts bot media; returns its URL. `corruptPad` damages the pad. */
  addBotMedia(name: string, plain: Buffer, encodingAesKey: string, options?: { corruptPad?: boolean }): string;
  close(): Promise<void>;
}

const INTERACTIVE_CARDS = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);

export async function startWecomStandIn(options: WecomStandInOptions = {}): Promise<WecomStandIn> {
  const corpId = options.corpId ?? 'wwstandin0001';
  const secret = options.secret ?? 'standin-secret';
  const agentId = options.agentId ?? 1000002;
  const expiresIn = options.expiresIn ?? 7200;
  const robotKeys = new Set(options.robotKeys ?? ['robot-key-1']);
  const invalidUsers = new Set(options.invalidUsers ?? []);
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, number>(); // token → expires at (ms)
  const responseCodes = new Map<string, boolean>(); // card response_code → used
  const botResponseCodes = new Map<string, boolean>(); // response_url code → used
  const media = new Map<string, { bytes: Buffer; contentType: string; fileName?: string }>();
  const botMedia = new Map<string, Buffer>();
  const canned = new Map<string, CannedAnswer[]>();
  let expireUses = options.answer42001Once ? 1 : 0;
  let robot45009 = options.answer45009Once ? 1 : 0;
  let counter = 0;
  const next = () => ++counter;
  let url = '';

  const json = (res: http.ServerResponse, body: unknown, status = 200) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, errcode: number, errmsg: string) => json(res, { errcode, errmsg });

  /** WeCom's refusal of an access_token, or null when it is good. */
  const tokenRefusal = (token: string | undefined): [number, string] | null => {
    if (!token) return [41001, 'access_token missing'];
    const expiresAt = tokens.get(token);
    if (expiresAt === undefined) return [40014, 'invalid access_token'];
    if (Date.now() >= expiresAt) return [42001, 'access_token expired'];
    if (expireUses > 0) {
      expireUses--;
      tokens.set(token, 0);
      return [42001, 'access_token expired'];
    }
    return null;
  };
  const refuseToken = (res: http.ServerResponse, token: string | undefined): boolean => {
    const refusal = tokenRefusal(token);
    if (refusal) fail(res, ...refusal);
    return refusal !== null;
  };

  const routes: Record<string, (req: RecordedRequest, res: http.ServerResponse) => void> = {
    'GET /cgi-bin/gettoken': ({ query }, res) => {
      if (query.corpid !== corpId) return fail(res, 40013, 'invalid corpid');
      if (query.corpsecret !== secret) return fail(res, 40001, 'invalid credential');
      const token = `tok-${tokens.size + 1}`;
      tokens.set(token, Date.now() + expiresIn * 1000);
      json(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: expiresIn });
    },
    'POST /cgi-bin/message/send': ({ query, body }, res) => {
      if (refuseToken(res, query.access_token)) return;
      const message = body as { agentid?: unknown; touser?: unknown; toparty?: unknown; totag?: unknown; msgtype?: unknown; template_card?: { card_type?: unknown } } | null;
      if (!message || typeof message !== 'object') return fail(res, 47001, 'data format error');
      if (message.agentid !== agentId) return fail(res, 40056, 'invalid agentid');
      const users = typeof message.touser === 'string' ? message.touser.split('|').filter(Boolean) : [];
      const unreached = users.filter((user) => invalidUsers.has(user));
      if (users.length > 0 && unreached.length === users.length && !message.toparty && !message.totag) return fail(res, 81013, 'user & party & tag all invalid');
      const answer: Record<string, unknown> = { errcode: 0, errmsg: 'ok', invaliduser: unreached.join('|'), msgid: `msg-${next()}` };
      if (message.msgtype === 'template_card' && INTERACTIVE_CARDS.has(String(message.template_card?.card_type))) {
        const code = `rc-${next()}`;
        responseCodes.set(code, false);
        answer.response_code = code;
      }
      json(res, answer);
    },
    'POST /cgi-bin/message/update_template_card': ({ query, body }, res) => {
      if (refuseToken(res, query.access_token)) return;
      const update = body as { agentid?: unknown; response_code?: unknown } | null;
      if (!update || typeof update !== 'object') return fail(res, 47001, 'data format error');
      if (update.agentid !== agentId) return fail(res, 40056, 'invalid agentid');
      const code = String(update.response_code ?? '');
      const used = responseCodes.get(code);
      if (used === undefined) return fail(res, 40058, 'invalid response_code');
      if (used) return fail(res, 40058, 'response_code used');
      responseCodes.set(code, true);
      json(res, { errcode: 0, errmsg: 'ok', invaliduser: [] });
    },
    'POST /cgi-bin/webhook/send': ({ query, body }, res) => {
      if (!query.key || !robotKeys.has(query.key)) return fail(res, 93000, 'invalid webhook url');
      if (robot45009 > 0) {
        robot45009--;
        return fail(res, 45009, 'api freq out of limit');
      }
      if (!body || typeof body !== 'object') return fail(res, 47001, 'data format error');
      json(res, { errcode: 0, errmsg: 'ok' });
    },
    'POST /cgi-bin/aibot/response': ({ query, body }, res) => {
      const used = botResponseCodes.get(query.response_code ?? '');
      if (used === undefined) return fail(res, 40058, 'invalid response_code');
      if (used) return fail(res, 40058, 'response_code used');
      if (!body || typeof body !== 'object') return fail(res, 47001, 'data format error');
      botResponseCodes.set(query.response_code!, true);
      json(res, { errcode: 0, errmsg: 'ok' });
    },
    'GET /cgi-bin/media/get': ({ query }, res) => {
      if (refuseToken(res, query.access_token)) return;
      const file = media.get(query.media_id ?? '');
      if (!file) return fail(res, 40007, 'invalid media_id');
      // WeCom puts the name's UTF-8 bytes straight into the header, so the header string is those bytes as
      // latin1. Node keeps them only through setHeader + flushHeaders: writeHead with content-length refuses
      // them, and headers sent together with a Buffer body lose each character's high byte.
      res.setHeader('content-type', file.contentType);
      res.setHeader('content-length', file.bytes.length);
      if (file.fileName) res.setHeader('content-disposition', `attachment; filename="${Buffer.from(file.fileName, 'utf8').toString('latin1')}"`);
      res.flushHeaders();
      res.end(file.bytes);
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
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: parsedUrl.pathname, query: Object.fromEntries(parsedUrl.searchParams), body, at: Date.now() };
      requests.push(recorded);

      const queued = canned.get(recorded.path);
      const answer = queued?.shift();
      if (answer) {
        if ('hang' in answer) return; // closeAllConnections() ends it
        if ('status' in answer) {
          res.writeHead(answer.status, { 'content-type': 'text/plain' });
          return void res.end(answer.text ?? '');
        }
        return fail(res, answer.errcode, answer.errmsg ?? `canned errcode ${answer.errcode}`);
      }
      const botFile = recorded.method === 'GET' && recorded.path.startsWith('/media/bot/') ? botMedia.get(decodeURIComponent(recorded.path.slice('/media/bot/'.length))) : undefined;
      if (botFile) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': botFile.length });
        return void res.end(botFile);
      }
      const route = routes[`${recorded.method} ${recorded.path}`];
      if (!route) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return void res.end('not found');
      }
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
    corpId,
    secret,
    agentId,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    expireNextTokenUse: (times = 1) => {
      expireUses += times;
    },
    answerNext: (path, answer, times = 1) => {
      const queued = canned.get(path) ?? [];
      for (let i = 0; i < times; i++) queued.push(answer);
      canned.set(path, queued);
    },
    issueResponseCode: () => {
      const code = `rc-${next()}`;
      responseCodes.set(code, false);
      return code;
    },
    responseUrl: () => {
      const code = `arc-${next()}`;
      botResponseCodes.set(code, false);
      return `${url}/cgi-bin/aibot/response?response_code=${code}`;
    },
    addMedia: (mediaId, bytes, contentType, fileName) => {
      media.set(mediaId, { bytes, contentType, fileName });
    },
    addBotMedia: (name, plain, encodingAesKey, { corruptPad = false } = {}) => {
      botMedia.set(name, encryptBotMedia(plain, encodingAesKey, corruptPad));
      return `${url}/media/bot/${encodeURIComponent(name)}`;
    },
    close: () => {
      if (!server.listening) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections(); // ends keep-alive sockets and answers held by { hang: true }
      });
    },
  };
}

/**
 * WeCom's bot media encryption, written out independently of the client's decryption: AES-256-CBC, key =
 * base64(EncodingAESKey + "="), IV = key[0..16), PKCS#7 padded to a multiple of 32.
 */
function encryptBotMedia(plain: Buffer, encodingAesKey: string, corruptPad: boolean): Buffer {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const padLength = 32 - (plain.length % 32);
  const pad = Buffer.alloc(padLength, padLength);
  // A pad of 2 or more gets one byte that disagrees (a lax check reading only the last byte accepts it);
  // a pad of 1 claims 33, past the block.
  if (corruptPad) {
    if (padLength > 1) pad[0] ^= 0xff;
    else pad[0] = 33;
  }
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, pad])), cipher.final()]);
}
