// The DingTalk API client against the stand-in over real HTTP: the token is fetched once and shared, refreshed
// before it expires and once when DingTalk refuses it, rate limits and busy answers are retried after the
// backoff, refusals are not and say where and why, every endpoint gets the body DingTalk expects, sessionWebhook
// errcodes are failures, files come back intact under the size cap, and no token, secret, session or URL
// signature reaches an error message or a log line.
import pino from 'pino';
import {
  BACKOFF_MS,
  DingtalkApiClient,
  DingtalkApiError,
  groupSpaceId,
  isExpiredSessionWebhook,
  robotSpaceId,
  type DingtalkApiOptions,
} from '../../bot/dingtalk/apiClient';
import { startDingtalkStandIn, type DingtalkStandIn } from '../support/dingtalkStandIn';

const GROUP = 'cidQ8Vn1xk9T3m0dFz2pYwLrA==';
const TEXT = { openConversationId: GROUP, msgKey: 'sampleText', msgParam: { content: '工单 A-20261124-0007 已派发' } } as const;
const SEND = '/v1.0/robot/groupMessages/send';
const TOKEN = '/v1.0/oauth2/accessToken';

let standIn: DingtalkStandIn;
afterEach(() => standIn?.close());

function clientFor(stand: DingtalkStandIn, overrides: Partial<DingtalkApiOptions> = {}) {
  const sleeps: number[] = [];
  const api = new DingtalkApiClient({
    apiBase: stand.url,
    clientId: stand.clientId,
    clientSecret: stand.clientSecret,
    robotCode: stand.robotCode,
    sleep: async (ms) => void sleeps.push(ms),
    ...overrides,
  });
  return { api, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<DingtalkApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DingtalkApiError) return error;
    throw error;
  }
  throw new Error('the call succeeded but should have failed');
}

const tokensUsed = (stand: DingtalkStandIn, path: string) => stand.requestsTo(path).map((request) => request.headers['x-acs-dingtalk-access-token']);
const trail = (stand: DingtalkStandIn) => stand.requests.map((r) => `${r.path} ${r.headers['x-acs-dingtalk-access-token'] ?? ''}`.trim());

describe('access token', () => {
  it('is fetched once with the app key and secret, and sent as x-acs-dingtalk-access-token on every call', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await api.sendToGroup(TEXT);
    await api.sendToUsers({ userIds: ['manager4220'], msgKey: 'sampleText', msgParam: { content: '请接单' } });
    await api.sendToGroup(TEXT);
    expect(standIn.requestsTo(TOKEN)).toHaveLength(1);
    expect(standIn.requestsTo(TOKEN)[0].body).toEqual({ appKey: standIn.clientId, appSecret: standIn.clientSecret });
    expect(standIn.requestsTo(TOKEN)[0].headers['x-acs-dingtalk-access-token']).toBeUndefined();
    expect(tokensUsed(standIn, SEND)).toEqual(['tok-1', 'tok-1']);
    expect(tokensUsed(standIn, '/v1.0/robot/oToMessages/batchSend')).toEqual(['tok-1']);
  });

  it('is fetched once for 10 concurrent calls (single flight)', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await Promise.all(Array.from({ length: 10 }, (_, i) => api.sendToGroup({ ...TEXT, msgParam: { content: `第${i}条` } })));
    expect(standIn.requestsTo(TOKEN)).toHaveLength(1);
    expect(new Set(tokensUsed(standIn, SEND))).toEqual(new Set(['tok-1']));
    expect(standIn.requestsTo(SEND)).toHaveLength(10);
  });

  it('is refreshed 5 minutes before a 7200 s token expires', async () => {
    standIn = await startDingtalkStandIn();
    let now = 1_700_000_000_000;
    const { api } = clientFor(standIn, { clock: () => now });
    await api.sendToGroup(TEXT);
    now += (7200 - 301) * 1000;
    await api.sendToGroup(TEXT);
    now += 2000;
    await api.sendToGroup(TEXT);
    expect(tokensUsed(standIn, SEND)).toEqual(['tok-1', 'tok-1', 'tok-2']);
  });

  it('is refreshed halfway through a short lifetime', async () => {
    standIn = await startDingtalkStandIn({ expireIn: 4 });
    let now = 1_700_000_000_000;
    const { api } = clientFor(standIn, { clock: () => now });
    await api.sendToGroup(TEXT);
    now += 1_900;
    await api.sendToGroup(TEXT);
    now += 200;
    await api.sendToGroup(TEXT);
    expect(trail(standIn)).toEqual([TOKEN, `${SEND} tok-1`, `${SEND} tok-1`, TOKEN, `${SEND} tok-2`]);
  });

  it('is refreshed once when DingTalk says it has expired, and the call is retried with the new one', async () => {
    standIn = await startDingtalkStandIn({ expireIn: 1 });
    const frozen = Date.now();
    const { api, sleeps } = clientFor(standIn, { clock: () => frozen }); // the client believes tok-1 is still good
    await api.sendToGroup(TEXT);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the stand-in's tok-1 has expired by now
    const sent = await api.sendToGroup(TEXT);
    expect(sent.processQueryKey).toMatch(/^pqk-/);
    expect(trail(standIn)).toEqual([TOKEN, `${SEND} tok-1`, `${SEND} tok-1`, TOKEN, `${SEND} tok-2`]);
    expect(sleeps).toEqual([]); // a token error is not a busy server: no backoff
  });

  it.each([400, 401] as const)('is refreshed once on an invalid-token answer with HTTP %i', async (status) => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    await api.sendToGroup(TEXT);
    standIn.refuseNextTokenUse(1, status);
    await api.sendToGroup(TEXT);
    expect(trail(standIn)).toEqual([TOKEN, `${SEND} tok-1`, `${SEND} tok-1`, TOKEN, `${SEND} tok-2`]);
    expect(sleeps).toEqual([]);
  });

  it('refreshes once for 10 concurrent calls that all meet a revoked token', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await api.sendToGroup(TEXT);
    standIn.refuseNextTokenUse(); // tok-1 dies at its next use; every other in-flight use then meets a dead token too
    await Promise.all(Array.from({ length: 10 }, () => api.sendToGroup(TEXT)));
    expect(standIn.requestsTo(TOKEN)).toHaveLength(2);
    expect(tokensUsed(standIn, SEND).filter((token) => token === 'tok-2')).toHaveLength(10);
  });

  it('throws a second invalid-token answer instead of refreshing again, naming the credentials', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    standIn.refuseNextTokenUse(2);
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(error).toMatchObject({ kind: 'refused', permanent: true, code: 'InvalidAuthentication', httpStatus: 400, path: SEND });
    expect(error.message).toMatch(/check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET/);
    expect(standIn.requestsTo(TOKEN)).toHaveLength(2);
    expect(standIn.requestsTo(SEND)).toHaveLength(2);
  });

  it('throws wrong credentials as a refusal and does not retry them', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn, { clientSecret: 'not-the-secret' });
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(error).toMatchObject({ kind: 'refused', permanent: true, path: TOKEN, httpStatus: 400 });
    expect(error.message).toMatch(/check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET/);
    expect(error.message).not.toContain('not-the-secret');
    expect(standIn.requestsTo(TOKEN)).toHaveLength(1);
    expect(standIn.requestsTo(SEND)).toHaveLength(0);
    expect(sleeps).toEqual([]);
  });
});

describe('retries', () => {
  it.each([
    ['HTTP 403 QpsLimitForAppkeyAndApi', { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: '当前应用调用该接口的并发量超过了限制' }],
    ['HTTP 403 QpsLimitForApi', { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForApi', message: 'qps limited' }],
    ['HTTP 429', { status: 429 }],
  ])('backs off a second on %s, and the call goes through', async (_what, answer) => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    standIn.answerNext(SEND, answer);
    await api.sendToGroup(TEXT);
    expect(sleeps).toEqual([1000]);
    expect(standIn.requestsTo(SEND)).toHaveLength(2);
    expect(standIn.requestsTo(TOKEN)).toHaveLength(1);
  });

  it('backs off 1 s, 2 s, 4 s on a lasting rate limit, then gives up with a retryable error', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    standIn.answerNext(SEND, { status: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', message: 'qps' }, 4);
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(sleeps).toEqual([...BACKOFF_MS]);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(standIn.requestsTo(SEND)).toHaveLength(4);
    expect(error).toMatchObject({ kind: 'rate_limited', permanent: false, httpStatus: 403, code: 'Forbidden.AccessDenied.QpsLimitForAppkeyAndApi', path: SEND });
    expect(error.message).toMatch(/after 3 retries/);
  });

  it('does not hammer an IP block: no retry, and says how long to stay away', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    standIn.answerNext(SEND, { status: 403, text: '<html><script>var d={"status":1111,"wait":5,"source":"x5","punish":"deny","uuid":"x"}</script></html>' });
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(error).toMatchObject({ kind: 'rate_limited', permanent: false, retryAfterMs: 300_000 });
    expect(error.message).toMatch(/IP is blocked by DingTalk for 5 minutes/);
    expect(sleeps).toEqual([]);
    expect(standIn.requestsTo(SEND)).toHaveLength(1);
  });

  it('retries HTTP 5xx and a request that times out', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn, { timeoutMs: 50 });
    standIn.answerNext(SEND, { status: 503, code: 'ServiceUnavailable', message: 'busy' });
    standIn.answerNext(SEND, { hang: true });
    expect((await api.sendToGroup(TEXT)).processQueryKey).toMatch(/^pqk-/);
    expect(sleeps).toEqual([1000, 2000]);
    expect(standIn.requestsTo(SEND)).toHaveLength(3);
  });

  it('retries when DingTalk cannot be reached at all, then says why', async () => {
    standIn = await startDingtalkStandIn();
    const closedUrl = standIn.url;
    await standIn.close();
    const { api, sleeps } = clientFor(standIn, { apiBase: closedUrl });
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(error).toMatchObject({ kind: 'unreachable', permanent: false, httpStatus: null, path: TOKEN });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });
});

describe('refusals', () => {
  it('surface with the path, the HTTP status, DingTalk\'s code, message and request id, unretried', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn, { robotCode: 'dingnotmyrobot' });
    const error = await failureOf(api.sendToGroup(TEXT));
    expect(error).toMatchObject({ kind: 'refused', permanent: true, path: SEND, httpStatus: 400, code: 'invalidParameter.robotCode', dingtalkMessage: 'robotCode不存在' });
    expect(error.requestId).toMatch(/^rid-/);
    expect(error.message).toMatch(/^DingTalk \/v1\.0\/robot\/groupMessages\/send failed: HTTP 400 invalidParameter\.robotCode \(robotCode不存在\) \[requestid rid-\d+\]$/);
    expect(standIn.requestsTo(SEND)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('names the permission to grant when the app lacks it', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    standIn.answerNext('/v1.0/card/instances/createAndDeliver', { status: 403, code: 'Forbidden.AccessDenied.AccessTokenPermissionDenied', message: 'No permission' });
    const error = await failureOf(api.createAndDeliverCard({ outTrackId: 'A-1', cardTemplateId: 't.schema', cardParamMap: {}, openSpaceId: groupSpaceId(GROUP), callbackType: 'STREAM' }));
    expect(error).toMatchObject({ kind: 'refused', httpStatus: 403 });
    expect(error.message).toMatch(/权限管理/);
  });

  it('refuse malformed input before sending anything', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const bad = [
      api.sendToGroup({ ...TEXT, msgParam: 'content=not json' }),
      api.sendToUsers({ userIds: [], msgKey: 'sampleText', msgParam: { content: 'x' } }),
      api.createAndDeliverCard({ outTrackId: 'A-1', cardTemplateId: 't.schema', cardParamMap: {}, openSpaceId: 'cid-no-prefix', callbackType: 'STREAM' }),
      api.createAndDeliverCard({ outTrackId: 'A-1', cardTemplateId: 't.schema', cardParamMap: {}, openSpaceId: groupSpaceId(GROUP), callbackType: 'HTTP' }),
    ];
    for (const call of bad) expect(await failureOf(call)).toMatchObject({ kind: 'refused', permanent: true });
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('request bodies', () => {
  it('group send: robotCode from the configuration, msgParam as a JSON string', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const sent = await api.sendToGroup(TEXT);
    await api.sendToGroup({ openConversationId: GROUP, msgKey: 'sampleMarkdown', msgParam: '{"title":"停水通知","text":"### 3栋明日停水"}' });
    expect(sent.processQueryKey).toMatch(/^pqk-/);
    const [text, markdown] = standIn.requestsTo(SEND).map((request) => request.body);
    expect(text).toEqual({ robotCode: standIn.robotCode, openConversationId: GROUP, msgKey: 'sampleText', msgParam: '{"content":"工单 A-20261124-0007 已派发"}' });
    expect(markdown).toMatchObject({ msgKey: 'sampleMarkdown', msgParam: '{"title":"停水通知","text":"### 3栋明日停水"}' });
  });

  it('1:1 batchSend: the recipients DingTalk did not reach come back instead of failing the send', async () => {
    standIn = await startDingtalkStandIn({ invalidUsers: ['gone01'], flowControlledUsers: ['busy02'] });
    const { api } = clientFor(standIn);
    const sent = await api.sendToUsers({ userIds: ['manager4220', 'gone01', 'busy02'], msgKey: 'sampleText', msgParam: { content: '请接单' } });
    expect(standIn.requestsTo('/v1.0/robot/oToMessages/batchSend')[0].body).toEqual({
      robotCode: standIn.robotCode, userIds: ['manager4220', 'gone01', 'busy02'], msgKey: 'sampleText', msgParam: '{"content":"请接单"}',
    });
    expect(sent).toEqual({ processQueryKey: expect.stringMatching(/^pqk-/), invalidStaffIds: ['gone01'], flowControlledStaffIds: ['busy02'] });
  });

  it('1:1 batchSend that reaches nobody fails: refused when all are invalid, rate limited when any was held back', async () => {
    standIn = await startDingtalkStandIn({ invalidUsers: ['gone01'], flowControlledUsers: ['busy02'] });
    const { api } = clientFor(standIn);
    const message = { msgKey: 'sampleText', msgParam: { content: 'x' } } as const;
    expect(await failureOf(api.sendToUsers({ ...message, userIds: ['gone01'] }))).toMatchObject({ kind: 'refused', permanent: true });
    expect(await failureOf(api.sendToUsers({ ...message, userIds: ['gone01', 'busy02'] }))).toMatchObject({ kind: 'rate_limited', permanent: false });
  });

  it('createAndDeliver into a group: IM_GROUP space and deliver models, @-mentions, STREAM callbacks', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const delivered = await api.createAndDeliverCard({
      outTrackId: 'A-20261124-0007-1',
      cardTemplateId: 'db56f2c2-f609-4878-9a34-46f6a0194a73.schema',
      cardParamMap: { title: '路灯不亮', status: '待接单', buttons: '[{"id":"accept"}]' },
      openSpaceId: groupSpaceId(GROUP),
      callbackType: 'STREAM',
      atUserIds: { manager4220: '张三' },
    });
    expect(delivered).toEqual({ outTrackId: 'A-20261124-0007-1', carrierId: expect.stringMatching(/^carrier-/) });
    expect(standIn.requestsTo('/v1.0/card/instances/createAndDeliver')[0].body).toEqual({
      cardTemplateId: 'db56f2c2-f609-4878-9a34-46f6a0194a73.schema',
      outTrackId: 'A-20261124-0007-1',
      callbackType: 'STREAM',
      cardData: { cardParamMap: { title: '路灯不亮', status: '待接单', buttons: '[{"id":"accept"}]' } },
      openSpaceId: `dtv1.card//IM_GROUP.${GROUP}`,
      userIdType: 1,
      imGroupOpenSpaceModel: { supportForward: false },
      imGroupOpenDeliverModel: { robotCode: standIn.robotCode, atUserIds: { manager4220: '张三' } },
    });
  });

  it('createAndDeliver 1:1: IM_ROBOT space and deliver models, HTTP callbacks with their route key', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await api.createAndDeliverCard({
      outTrackId: 'A-2', cardTemplateId: 't.schema', cardParamMap: { title: 'x' }, openSpaceId: robotSpaceId('manager4220'), callbackType: 'HTTP', callbackRouteKey: 'grid_bot_cards',
    });
    expect(standIn.requestsTo('/v1.0/card/instances/createAndDeliver')[0].body).toEqual({
      cardTemplateId: 't.schema',
      outTrackId: 'A-2',
      callbackType: 'HTTP',
      callbackRouteKey: 'grid_bot_cards',
      cardData: { cardParamMap: { title: 'x' } },
      openSpaceId: 'dtv1.card//IM_ROBOT.manager4220',
      userIdType: 1,
      imRobotOpenSpaceModel: { supportForward: false },
      imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: standIn.robotCode },
    });
  });

  it('createAndDeliver that DingTalk could not deliver is a refusal saying why', async () => {
    standIn = await startDingtalkStandIn({ undeliverableSpaces: [groupSpaceId(GROUP)] });
    const { api, sleeps } = clientFor(standIn);
    const error = await failureOf(api.createAndDeliverCard({ outTrackId: 'A-3', cardTemplateId: 't.schema', cardParamMap: {}, openSpaceId: groupSpaceId(GROUP), callbackType: 'STREAM' }));
    expect(error).toMatchObject({ kind: 'refused', path: '/v1.0/card/instances/createAndDeliver', dingtalkMessage: '机器人不在群内' });
    expect(error.message).toMatch(/created card A-3 but could not deliver it to IM_GROUP: 机器人不在群内/);
    expect(sleeps).toEqual([]);
  });

  it('updateCard: PUT by key, with per-user private data when given', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await api.createAndDeliverCard({ outTrackId: 'A-4', cardTemplateId: 't.schema', cardParamMap: { title: '路灯不亮', status: '待接单' }, openSpaceId: groupSpaceId(GROUP), callbackType: 'STREAM' });
    await api.updateCard({ outTrackId: 'A-4', cardParamMap: { status: '已接单' } });
    await api.updateCard({ outTrackId: 'A-4', cardParamMap: {}, privateData: { manager4220: { mine: 'true' } } });
    const [first, second] = standIn.requestsTo('/v1.0/card/instances').map((request) => ({ method: request.method, body: request.body }));
    expect(first).toEqual({ method: 'PUT', body: { outTrackId: 'A-4', cardData: { cardParamMap: { status: '已接单' } }, cardUpdateOptions: { updateCardDataByKey: true }, userIdType: 1 } });
    expect(second.body).toEqual({
      outTrackId: 'A-4',
      cardData: { cardParamMap: {} },
      privateData: { manager4220: { cardParamMap: { mine: 'true' } } },
      cardUpdateOptions: { updateCardDataByKey: true, updatePrivateDataByKey: true },
      userIdType: 1,
    });
    expect(standIn.cards.get('A-4')).toMatchObject({ cardParamMap: { title: '路灯不亮', status: '已接单' }, privateData: { manager4220: { mine: 'true' } } });
    expect(await failureOf(api.updateCard({ outTrackId: 'NO-SUCH', cardParamMap: { status: 'x' } }))).toMatchObject({ kind: 'refused', httpStatus: 400 });
  });

  it('registerCardCallback: route key, URL and secret, replacing an earlier registration', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const registered = await api.registerCardCallback({ callbackRouteKey: 'grid_bot_cards', callbackUrl: 'https://bot.example.org/dingtalk/cards', apiSecret: 'card-api-secret' });
    expect(registered).toEqual({ callbackUrl: 'https://bot.example.org/dingtalk/cards' });
    expect(standIn.requestsTo('/v1.0/card/callbacks/register')[0]).toMatchObject({
      method: 'POST',
      body: { callbackRouteKey: 'grid_bot_cards', callbackUrl: 'https://bot.example.org/dingtalk/cards', apiSecret: 'card-api-secret', forceUpdate: true },
      headers: { 'x-acs-dingtalk-access-token': 'tok-1' },
    });
  });

  it('a card API answering success: false is a refusal', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    await api.createAndDeliverCard({ outTrackId: 'A-5', cardTemplateId: 't.schema', cardParamMap: {}, openSpaceId: groupSpaceId(GROUP), callbackType: 'STREAM' });
    standIn.answerNext('/v1.0/card/instances', { status: 200, text: '{"success":false,"code":"param.error","message":"卡片已失效"}', contentType: 'application/json' });
    const error = await failureOf(api.updateCard({ outTrackId: 'A-5', cardParamMap: { status: 'x' } }));
    expect(error).toMatchObject({ kind: 'refused', httpStatus: 200, code: 'param.error', dingtalkMessage: '卡片已失效' });
  });
});

describe('sessionWebhook', () => {
  it('posts text and markdown replies without a token', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const webhook = standIn.sessionWebhook();
    const text = { msgtype: 'text', text: { content: '已受理，工单号 A-20261124-0007' }, at: { atUserIds: ['manager4220'], isAtAll: false } } as const;
    const markdown = { msgtype: 'markdown', markdown: { title: '已受理', text: '**A-20261124-0007** 已派发' } } as const;
    await api.replyThroughSessionWebhook(webhook, text);
    await api.replyThroughSessionWebhook(webhook, markdown);
    const sent = standIn.requestsTo('/robot/sendBySession');
    expect(sent.map((request) => request.body)).toEqual([text, markdown]);
    expect(sent.every((request) => request.headers['x-acs-dingtalk-access-token'] === undefined)).toBe(true);
    expect(standIn.requestsTo(TOKEN)).toHaveLength(0);
  });

  it('treats errcode 300001 (session gone) as a refusal the adapter can recognise, without leaking the session', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    const webhook = standIn.sessionWebhook();
    standIn.expireSessionWebhook(webhook);
    const error = await failureOf(api.replyThroughSessionWebhook(webhook, { msgtype: 'text', text: { content: 'x' } }));
    expect(error).toMatchObject({ kind: 'refused', permanent: true, code: '300001', dingtalkMessage: 'session 不存在', path: '/robot/sendBySession' });
    expect(isExpiredSessionWebhook(error)).toBe(true);
    expect(error.message).toMatch(/send through the robot API instead/);
    expect(error.message).not.toContain(new URL(webhook).searchParams.get('session')!);
    expect(sleeps).toEqual([]);
  });

  it('retries errcode 130101 (sending too fast) after the backoff; other errcodes are refusals', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    const webhook = standIn.sessionWebhook();
    standIn.answerNext('/robot/sendBySession', { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
    await api.replyThroughSessionWebhook(webhook, { msgtype: 'text', text: { content: 'x' } });
    expect(sleeps).toEqual([1000]);
    standIn.answerNext('/robot/sendBySession', { errcode: 40035, errmsg: '缺少参数 json' });
    const error = await failureOf(api.replyThroughSessionWebhook(webhook, { msgtype: 'text', text: { content: 'x' } }));
    expect(error).toMatchObject({ kind: 'refused', code: '40035' });
    expect(isExpiredSessionWebhook(error)).toBe(false);
  });

  it('never posts to a sessionWebhook outside DingTalk', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const port = new URL(standIn.url).port;
    for (const foreign of [
      'https://evil.example/robot/sendBySession?session=x',
      `http://127.0.0.1:${Number(port) + 1}/robot/sendBySession?session=x`,
      'http://oapi.dingtalk.com/robot/sendBySession?session=x',
      `http://user:pw@127.0.0.1:${port}/robot/sendBySession?session=x`,
      'not a url',
    ]) {
      const error = await failureOf(api.replyThroughSessionWebhook(foreign, { msgtype: 'text', text: { content: 'x' } }));
      expect(error.permanent).toBe(true);
      expect(error.message).toMatch(/refused/);
    }
    expect(standIn.requests).toHaveLength(0);
  });
});

describe('message files', () => {
  it('trades the downloadCode for a URL and fetches the file from it, intact, without the token', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    const photo = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256));
    standIn.addFile('DLC-photo-1', photo, 'image/jpeg');
    const file = await api.downloadMessageFile({ downloadCode: 'DLC-photo-1' });
    expect(file.bytes.equals(photo)).toBe(true);
    expect(file.contentType).toBe('image/jpeg');
    expect(standIn.requestsTo('/v1.0/robot/messageFiles/download')[0]).toMatchObject({ body: { downloadCode: 'DLC-photo-1', robotCode: standIn.robotCode }, headers: { 'x-acs-dingtalk-access-token': 'tok-1' } });
    const fetched = standIn.requests.find((request) => request.path.startsWith('/files/'))!;
    expect(fetched.method).toBe('GET');
    expect(fetched.headers['x-acs-dingtalk-access-token']).toBeUndefined();
  });

  it('refuses a file larger than the cap', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn, { maxFileBytes: 1024 });
    standIn.addFile('DLC-big', Buffer.alloc(2048, 1), 'application/pdf');
    const error = await failureOf(api.downloadMessageFile({ downloadCode: 'DLC-big' }));
    expect(error).toMatchObject({ kind: 'refused', permanent: true });
    expect(error.message).toMatch(/larger than 1024 bytes/);
    expect(standIn.requests.filter((request) => request.path.startsWith('/files/'))).toHaveLength(1); // not retried
  });

  it('refuses an unknown downloadCode and an expired link; retries a busy file host before giving up', async () => {
    standIn = await startDingtalkStandIn();
    const { api, sleeps } = clientFor(standIn);
    expect(await failureOf(api.downloadMessageFile({ downloadCode: 'DLC-none' }))).toMatchObject({ kind: 'refused', code: 'invalidParameter.downloadCode', path: '/v1.0/robot/messageFiles/download' });

    standIn.addFile('DLC-2', Buffer.from('bytes'), 'image/png');
    standIn.answerNext('/v1.0/robot/messageFiles/download', { status: 200, text: `{"downloadUrl":"${standIn.url}/files/expired?Signature=abc"}`, contentType: 'application/json' });
    const expired = await failureOf(api.downloadMessageFile({ downloadCode: 'DLC-2' }));
    expect(expired).toMatchObject({ kind: 'refused', httpStatus: 404, path: '/files/expired' });
    expect(expired.message).toMatch(/expired or was refused/);

    expect(sleeps).toEqual([]);

    standIn.answerNext('/v1.0/robot/messageFiles/download', { status: 200, text: `{"downloadUrl":"${standIn.url}/files/busy"}`, contentType: 'application/json' });
    standIn.answerNext('/files/busy', { status: 503, code: 'ServiceUnavailable' });
    const busyThenGone = await failureOf(api.downloadMessageFile({ downloadCode: 'DLC-2' }));
    expect(sleeps).toEqual([1000]); // the 503 was retried; the link then answered 404
    expect(busyThenGone).toMatchObject({ kind: 'refused', httpStatus: 404 });
    expect(standIn.requestsTo('/files/busy')).toHaveLength(2);

    expect((await api.downloadMessageFile({ downloadCode: 'DLC-2' })).bytes.toString()).toBe('bytes');
  });

  it('refuses a downloadUrl that is not https', async () => {
    standIn = await startDingtalkStandIn();
    const { api } = clientFor(standIn);
    standIn.answerNext('/v1.0/robot/messageFiles/download', { status: 200, text: '{"downloadUrl":"http://files.example.org/a.jpg"}', contentType: 'application/json' });
    expect(await failureOf(api.downloadMessageFile({ downloadCode: 'DLC-x' }))).toMatchObject({ kind: 'refused', permanent: true });
  });
});

it('never writes the token, secret, a session or a URL signature into errors or logs', async () => {
  standIn = await startDingtalkStandIn();
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const { api } = clientFor(standIn, { log });
  const messages: string[] = [];
  const collect = async (promise: Promise<unknown>) => messages.push((await failureOf(promise)).message);

  standIn.refuseNextTokenUse(2);
  await collect(api.sendToGroup(TEXT));
  standIn.answerNext(SEND, { status: 400, code: 'invalidParameter', message: 'bad request, url: /v1.0/robot/groupMessages/send?access_token=tok-3' });
  await collect(api.sendToGroup(TEXT));
  const webhook = standIn.sessionWebhook();
  standIn.expireSessionWebhook(webhook);
  await collect(api.replyThroughSessionWebhook(webhook, { msgtype: 'text', text: { content: 'x' } }));
  standIn.addFile('DLC-big', Buffer.alloc(4096, 1), 'image/png');
  const small = clientFor(standIn, { log, maxFileBytes: 100 }).api;
  await collect(small.downloadMessageFile({ downloadCode: 'DLC-big' }));
  const session = new URL(webhook).searchParams.get('session')!;

  expect(messages).toHaveLength(4);
  expect(lines.length).toBeGreaterThan(0);
  for (const text of [...messages, ...lines]) {
    expect(text).not.toMatch(/tok-\d/);
    expect(text).not.toContain(standIn.clientSecret);
    expect(text).not.toContain(session);
    expect(text).not.toContain('sig%2Bstandin');
    expect(text).not.toContain('LTAIstandin');
  }
  expect(messages[1]).toContain('access_token=***');
});
