// The WeCom API client against the stand-in over real HTTP: the token is fetched once and shared, refreshed
// once when WeCom revokes it and before it expires, busy answers are retried after the backoff, permanent
// refusals are not, single-use codes stay single-use, payload URLs are fetched only from WeCom, media comes
// back intact, and no token, key or code ever reaches an error message or a log line.
import pino from 'pino';
import { BACKOFF_MS, WecomApi, WecomApiError, type WecomApiOptions } from '../../bot/wecom/apiClient';
import { startWecomStandIn, type WecomStandIn } from '../support/wecomStandIn';

const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const TEXT = { touser: 'zhangsan', msgtype: 'text', text: { content: '工单 A-20261124-0007 已派发' } };
const BUTTON_CARD = {
  touser: 'zhangsan|lisi',
  msgtype: 'template_card',
  template_card: { card_type: 'button_interaction', main_title: { title: '路灯不亮' }, task_id: 'A-20261124-0007', button_list: [{ text: '接单', key: 'accept' }] },
};

let standIn: WecomStandIn;
afterEach(() => standIn?.close());

function apiFor(stand: WecomStandIn, overrides: Partial<WecomApiOptions> = {}) {
  const sleeps: number[] = [];
  const api = new WecomApi({
    apiBase: stand.url,
    corpId: stand.corpId,
    secret: stand.secret,
    agentId: stand.agentId,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return { api, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<WecomApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WecomApiError) return error;
    throw error;
  }
  throw new Error('the call succeeded but should have failed');
}

const tokensUsed = (stand: WecomStandIn, path: string) => stand.requestsTo(path).map((request) => request.query.access_token);

describe('access_token', () => {
  it('is fetched once and reused, and agentid is added to the message', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    const first = await api.sendAppMessage(TEXT);
    await api.sendAppMessage({ ...TEXT, agentid: standIn.agentId });
    expect(first.msgid).toMatch(/^msg-/);
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(1);
    expect(standIn.requestsTo('/cgi-bin/gettoken')[0].query).toEqual({ corpid: standIn.corpId, corpsecret: standIn.secret });
    expect(tokensUsed(standIn, '/cgi-bin/message/send')).toEqual(['tok-1', 'tok-1']);
    expect(standIn.requestsTo('/cgi-bin/message/send')[0].body).toMatchObject({ ...TEXT, agentid: standIn.agentId });
  });

  it('is fetched once for 20 concurrent sends', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.sendAppMessage({ ...TEXT, touser: `user${i}` })));
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(1);
    expect(new Set(tokensUsed(standIn, '/cgi-bin/message/send'))).toEqual(new Set(['tok-1']));
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(20);
  });

  it('is refreshed once when WeCom answers 42001, and the send is retried with the new token', async () => {
    standIn = await startWecomStandIn({ answer42001Once: true });
    const { api, sleeps } = apiFor(standIn);
    const sent = await api.sendAppMessage(TEXT);
    expect(sent.msgid).toBeDefined();
    expect(standIn.requests.map((r) => `${r.path} ${r.query.access_token ?? ''}`.trim())).toEqual([
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send tok-1',
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send tok-2',
    ]);
    expect(sleeps).toEqual([]); // a token error is not a busy server: no backoff
  });

  it('refreshes once for 20 concurrent sends that all meet a revoked token', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    await api.sendAppMessage(TEXT);
    standIn.expireNextTokenUse(); // tok-1 dies at its next use; every other in-flight use then gets 42001 too
    await Promise.all(Array.from({ length: 20 }, () => api.sendAppMessage(TEXT)));
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(2);
    expect(tokensUsed(standIn, '/cgi-bin/message/send').filter((t) => t === 'tok-2')).toHaveLength(20);
  });

  it('throws a second token error instead of refreshing again', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    standIn.expireNextTokenUse(2);
    const error = await failureOf(api.sendAppMessage(TEXT));
    expect(error).toMatchObject({ errcode: 42001, permanent: false, path: '/cgi-bin/message/send' });
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(2);
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(2);
  });

  it('is refreshed before use once it is within half of a short lifetime', async () => {
    standIn = await startWecomStandIn({ expiresIn: 4 });
    let now = 1_700_000_000_000;
    const { api } = apiFor(standIn, { clock: () => now });
    await api.sendAppMessage(TEXT);
    now += 1_900;
    await api.sendAppMessage(TEXT);
    now += 200; // 2.1 s of 4: past the halfway refresh point
    await api.sendAppMessage(TEXT);
    expect(standIn.requests.map((r) => `${r.path} ${r.query.access_token ?? ''}`.trim())).toEqual([
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send tok-1',
      '/cgi-bin/message/send tok-1',
      '/cgi-bin/gettoken',
      '/cgi-bin/message/send tok-2',
    ]);
  });

  it('is refreshed 5 minutes before a 7200 s token expires', async () => {
    standIn = await startWecomStandIn();
    let now = 1_700_000_000_000;
    const { api } = apiFor(standIn, { clock: () => now });
    await api.sendAppMessage(TEXT);
    now += (7200 - 301) * 1000;
    await api.sendAppMessage(TEXT);
    now += 2000;
    await api.sendAppMessage(TEXT);
    expect(tokensUsed(standIn, '/cgi-bin/message/send')).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });
});

describe('retries', () => {
  it('retries a robot webhook answered 45009 after the first backoff, and it goes through', async () => {
    standIn = await startWecomStandIn({ answer45009Once: true, robotKeys: ['robot-key-1'] });
    const { api, sleeps } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    await api.robotSend('robot-key-1', { msgtype: 'text', text: { content: '3栋停水通知' } });
    expect(sleeps).toEqual([500]);
    expect(standIn.requestsTo('/cgi-bin/webhook/send')).toHaveLength(2);
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(0); // a robot needs no token
  });

  it('backs off 500 ms, 1 s, 2 s on a busy WeCom, then gives up with a retryable error', async () => {
    standIn = await startWecomStandIn();
    const { api, sleeps } = apiFor(standIn);
    standIn.answerNext('/cgi-bin/message/send', { errcode: -1, errmsg: 'system busy' }, 4);
    const error = await failureOf(api.sendAppMessage(TEXT));
    expect(sleeps).toEqual([...BACKOFF_MS]);
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(4);
    expect(error).toMatchObject({ errcode: -1, permanent: false });
    expect(error.message).toMatch(/message\/send failed: errcode -1 \(system busy\) after 3 retries/);
  });

  it('retries HTTP 5xx and a request that times out', async () => {
    standIn = await startWecomStandIn();
    const { api, sleeps } = apiFor(standIn, { timeoutMs: 30 });
    standIn.answerNext('/cgi-bin/message/send', { status: 502, text: 'Bad Gateway' });
    standIn.answerNext('/cgi-bin/message/send', { hang: true });
    expect((await api.sendAppMessage(TEXT)).msgid).toBeDefined();
    expect(sleeps).toEqual([500, 1000]);
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(3);
  });

  it('retries when WeCom cannot be reached at all, then says why', async () => {
    standIn = await startWecomStandIn();
    const closedUrl = standIn.url;
    await standIn.close();
    const { api, sleeps } = apiFor(standIn, { apiBase: closedUrl, corpId: null, secret: null, agentId: null });
    const error = await failureOf(api.robotSend('robot-key-1', { msgtype: 'text', text: { content: 'x' } }));
    expect(sleeps).toEqual([500, 1000, 2000]);
    expect(error).toMatchObject({ errcode: null, permanent: false, path: '/cgi-bin/webhook/send' });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('permanent refusals', () => {
  it('throws a wrong secret as permanent and does not retry it', async () => {
    standIn = await startWecomStandIn();
    const { api, sleeps } = apiFor(standIn, { secret: 'not-the-secret' });
    const error = await failureOf(api.sendAppMessage(TEXT));
    expect(error).toMatchObject({ errcode: 40001, permanent: true, path: '/cgi-bin/gettoken' });
    expect(error.message).toMatch(/WECOM_SECRET/);
    expect(error.message).not.toContain('not-the-secret');
    expect(standIn.requestsTo('/cgi-bin/gettoken')).toHaveLength(1);
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });

  it('throws 60020 as permanent, telling the operator to trust the IP, and does not retry it', async () => {
    standIn = await startWecomStandIn();
    const { api, sleeps } = apiFor(standIn);
    standIn.answerNext('/cgi-bin/message/send', { errcode: 60020, errmsg: 'not allow to access from your ip, hint: [1700000000_1_abc], from ip: 203.0.113.7' });
    const error = await failureOf(api.sendAppMessage(TEXT));
    expect(error).toMatchObject({ errcode: 60020, permanent: true, path: '/cgi-bin/message/send' });
    expect(error.message).toMatch(/^WeCom message\/send failed: errcode 60020 \(.*\): .*add this server's IP to 企业可信IP/);
    expect(standIn.requestsTo('/cgi-bin/message/send')).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('throws an unknown robot key as permanent (93000)', async () => {
    standIn = await startWecomStandIn({ robotKeys: ['robot-key-1'] });
    const { api } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    const error = await failureOf(api.robotSend('deadbeef-key', { msgtype: 'text', text: { content: 'x' } }));
    expect(error).toMatchObject({ errcode: 93000, permanent: true });
    expect(standIn.requestsTo('/cgi-bin/webhook/send')).toHaveLength(1);
  });

  it('refuses app calls without an app configured, before sending anything', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    const error = await failureOf(api.sendAppMessage(TEXT));
    expect(error).toMatchObject({ permanent: true, path: '/cgi-bin/message/send' });
    expect(standIn.requests).toHaveLength(0);
  });

  it('returns recipients WeCom did not reach instead of throwing', async () => {
    standIn = await startWecomStandIn({ invalidUsers: ['lisi'] });
    const { api } = apiFor(standIn);
    const sent = await api.sendAppMessage({ ...TEXT, touser: 'zhangsan|lisi' });
    expect(sent.invaliduser).toBe('lisi');
    expect(sent.msgid).toBeDefined();
  });
});

describe('single-use codes', () => {
  it('updates a button card with its response_code once, and refuses the second use as permanent', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    const sent = await api.sendAppMessage(BUTTON_CARD);
    expect(sent.response_code).toMatch(/^rc-/);
    const update = { userids: ['zhangsan', 'lisi'], response_code: sent.response_code, button: { replace_name: '已接单' } };
    await api.updateTemplateCard(update);
    expect(standIn.requestsTo('/cgi-bin/message/update_template_card')[0].body).toMatchObject({ ...update, agentid: standIn.agentId });
    const error = await failureOf(api.updateTemplateCard(update));
    expect(error).toMatchObject({ errcode: 40058, permanent: true });
    expect(error.message).toMatch(/response_code used/);
    expect(error.message).not.toContain(sent.response_code!);
  });

  it('answers through a response_url once; a reuse is a permanent error', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    const responseUrl = standIn.responseUrl();
    const reply = { msgtype: 'markdown', markdown: { content: '已受理，工单号 A-20261124-0007' } };
    await api.respondVia(responseUrl, reply);
    expect(standIn.requestsTo('/cgi-bin/aibot/response')[0].body).toEqual(reply);
    const error = await failureOf(api.respondVia(responseUrl, reply));
    expect(error).toMatchObject({ permanent: true, path: '/cgi-bin/aibot/response' });
    expect(error.message).not.toContain(new URL(responseUrl).searchParams.get('response_code')!);
  });

  it('never posts to a response_url outside WeCom', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    const port = new URL(standIn.url).port;
    for (const foreign of [
      'https://evil.example/cgi-bin/aibot/response?response_code=x',
      `http://127.0.0.1:${Number(port) + 1}/cgi-bin/aibot/response?response_code=x`,
      'http://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x',
      `http://user:pw@127.0.0.1:${port}/cgi-bin/aibot/response?response_code=x`,
      'not a url',
    ]) {
      const error = await failureOf(api.respondVia(foreign, { msgtype: 'markdown', markdown: { content: 'x' } }));
      expect(error.permanent).toBe(true);
      expect(error.message).toMatch(/refused/);
    }
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('media', () => {
  it('downloads app media with its type and file name', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    const photo = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
    standIn.addMedia('MEDIA_1', photo, 'image/jpeg', '井盖照片.jpg');
    const file = await api.downloadMedia('MEDIA_1');
    expect(file.bytes.equals(photo)).toBe(true);
    expect(file.contentType).toBe('image/jpeg');
    expect(file.fileName).toBe('井盖照片.jpg');
    expect(standIn.requestsTo('/cgi-bin/media/get')[0].query).toEqual({ access_token: 'tok-1', media_id: 'MEDIA_1' });
  });

  it('reads a JSON error in place of the file as an error, refreshing a revoked token on the way', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    standIn.addMedia('MEDIA_1', Buffer.from('bytes'), 'image/png');
    standIn.expireNextTokenUse();
    expect((await api.downloadMedia('MEDIA_1')).bytes.toString()).toBe('bytes');
    expect(tokensUsed(standIn, '/cgi-bin/media/get')).toEqual(['tok-1', 'tok-2']);
    const error = await failureOf(api.downloadMedia('NO_SUCH_MEDIA'));
    expect(error).toMatchObject({ errcode: 40007, permanent: true, path: '/cgi-bin/media/get' });
  });

  it('refuses media larger than the limit', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn, { maxMediaBytes: 1024 });
    standIn.addMedia('BIG', Buffer.alloc(2048, 1), 'application/octet-stream', 'big.bin');
    const error = await failureOf(api.downloadMedia('BIG'));
    expect(error.permanent).toBe(true);
    expect(error.message).toMatch(/larger than 1024 bytes/);
  });

  it('decrypts bot media to the original bytes, whatever the pad length', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    for (const length of [0, 1, 31, 32, 33, 5000]) {
      const plain = Buffer.from(Array.from({ length }, (_, i) => (i * 31 + length) % 256));
      const url = standIn.addBotMedia(`img-${length}`, plain, AES_KEY);
      const opened = await api.downloadBotMedia(url, AES_KEY);
      expect(opened.equals(plain)).toBe(true);
    }
  });

  it('refuses bot media whose pad is corrupted', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn, { corpId: null, secret: null, agentId: null });
    for (const length of [20, 31]) { // pads of 12 (one byte disagrees) and 1 (claims 33)
      const url = standIn.addBotMedia(`bad-${length}`, Buffer.alloc(length, 7), AES_KEY, { corruptPad: true });
      const error = await failureOf(api.downloadBotMedia(url, AES_KEY));
      expect(error.permanent).toBe(true);
      expect(error.message).toMatch(/bad PKCS#7 pad/);
    }
  });

  it('fetches bot media only from WeCom', async () => {
    standIn = await startWecomStandIn();
    const { api } = apiFor(standIn);
    const error = await failureOf(api.downloadBotMedia('https://evil.example/media/bot/img', AES_KEY));
    expect(error.permanent).toBe(true);
    expect(standIn.requests).toHaveLength(0);
  });
});

it('never writes the token, secret, robot key or a response code into errors or logs', async () => {
  standIn = await startWecomStandIn({ robotKeys: ['robot-key-1'] });
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const { api } = apiFor(standIn, { log });
  const messages: string[] = [];
  const collect = async (promise: Promise<unknown>) => messages.push((await failureOf(promise)).message);

  standIn.expireNextTokenUse(2);
  await collect(api.sendAppMessage(TEXT));
  standIn.answerNext('/cgi-bin/message/send', { errcode: 60020, errmsg: 'not allow to access from your ip, url: /cgi-bin/message/send?access_token=tok-3' });
  await collect(api.sendAppMessage(TEXT));
  standIn.answerNext('/cgi-bin/webhook/send', { errcode: -1, errmsg: 'busy, key=secret-robot-key' }, 4);
  await collect(api.robotSend('secret-robot-key', { msgtype: 'text', text: { content: 'x' } }));
  const responseUrl = standIn.responseUrl();
  await api.respondVia(responseUrl, { msgtype: 'markdown', markdown: { content: 'x' } });
  await collect(api.respondVia(responseUrl, { msgtype: 'markdown', markdown: { content: 'x' } }));
  const code = new URL(responseUrl).searchParams.get('response_code')!;

  expect(messages).toHaveLength(4);
  expect(lines.length).toBeGreaterThan(0);
  for (const text of [...messages, ...lines]) {
    expect(text).not.toMatch(/tok-\d/);
    expect(text).not.toContain(standIn.secret);
    expect(text).not.toContain('secret-robot-key');
    expect(text).not.toContain(code);
  }
  expect(messages[1]).toContain('access_token=***');
});
