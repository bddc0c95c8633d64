// DingTalk end to end over real HTTP and a real Stream connection (dingtalk-stream), against the DingTalk API
// and Stream stand-ins: a resident @-mentions the robot (HTTP callback, signed; and over Stream) → incident →
// an interactive card to the lead post's DingTalk group → a member's click over Stream → the card updated for
// everyone → the resident hears it through the message's sessionWebhook. A delivery twice is one incident; a
// forged sign and a stale timestamp are refused and store nothing.
import { robotSign } from '../../bot/dingtalk/callbackSign';
import { startDingtalkStandIn, type DingtalkStandIn } from '../support/dingtalkStandIn';
import { startDingtalkStreamStandIn, type StreamStandIn } from '../support/dingtalkStreamStandIn';
import { startTestBot, type TestBot } from '../support/testRuntime';

const CLIENT_ID = 'dinggridbot';
const CLIENT_SECRET = 'grid-bot-secret-for-tests';
const RESIDENT_GROUP = 'cidResidentsGuixiangyuan==';
const WORKER_GROUP = 'cidWorkersMunicipal==';
const TEMPLATE = 'grid-card-template.schema';

interface Incident { id: string; number: string; text: string; status: string; leadPost: string }

async function startDingtalkBot(mode: 'http' | 'stream', api: DingtalkStandIn, stream: StreamStandIn, clock?: () => Date): Promise<TestBot> {
  const bot = await startTestBot(
    {
      DINGTALK_CLIENT_ID: CLIENT_ID, DINGTALK_CLIENT_SECRET: CLIENT_SECRET, DINGTALK_ROBOT_CODE: CLIENT_ID, DINGTALK_MODE: mode,
      DINGTALK_CARD_TEMPLATE_ID: TEMPLATE, DINGTALK_API_BASE: api.url, DINGTALK_STREAM_GATEWAY: stream.gatewayUrl, FLOOD_SENDER_PER_MINUTE: '100',
    },
    false,
    clock ? { clock } : {},
  );
  const ok = (response: { status: number }) => expect(response.status).toBe(200);
  ok(await bot.call('PUT', `/api/chats/dingtalk/${encodeURIComponent(RESIDENT_GROUP)}/binding`, { kind: 'resident', orgUnit: 'c.guixiangyuan', name: '桂香苑居民群' }));
  ok(await bot.call('PUT', `/api/chats/dingtalk/${encodeURIComponent(WORKER_GROUP)}/binding`, { kind: 'worker', post: 'MUNICIPAL', name: '城市管理岗工作群' }));
  ok(await bot.call('PUT', '/api/posts/MUNICIPAL/members/dingtalk/staff-zhangwei', { name: '张伟' }));
  return bot;
}

function robotMessage(api: DingtalkStandIn, msgId: string, text: string, staffId = 'staff-wangxiuying') {
  return {
    msgId, msgtype: 'text', createAt: Date.now(), conversationType: '2', conversationId: RESIDENT_GROUP, conversationTitle: '桂香苑居民群',
    senderStaffId: staffId, senderNick: '王秀英', sessionWebhook: api.sessionWebhook(), sessionWebhookExpiredTime: Date.now() + 90 * 60_000,
    robotCode: CLIENT_ID, text: { content: ` ${text}` },
  };
}

describe('DingTalk, HTTP mode, end to end', () => {
  let api: DingtalkStandIn;
  let stream: StreamStandIn;
  let bot: TestBot;
  beforeAll(async () => {
    api = await startDingtalkStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, robotCode: CLIENT_ID });
    stream = await startDingtalkStreamStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    bot = await startDingtalkBot('http', api, stream);
    await stream.waitForConnection(1, 10_000);
  });
  afterAll(async () => {
    await bot?.stop();
    await stream?.close();
    await api?.close();
  });

  const post = (body: object, headers: { timestamp?: string; sign?: string } = {}) => {
    const timestamp = headers.timestamp ?? String(Date.now());
    const sign = headers.sign ?? robotSign(timestamp, CLIENT_SECRET);
    return fetch(`${bot.runtime.url}/dingtalk/callback`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', timestamp, sign } });
  };
  const incidents = async () => (await bot.call('GET', '/api/incidents?limit=100')).body.items as Incident[];
  const messages = async () => (await bot.call('GET', '/api/messages?limit=500')).body.total as number;

  it('turns a signed @-message into an incident, an interactive card in the lead post\'s group, and a receipt through the sessionWebhook', async () => {
    const text = '5栋门口的井盖不见了，晚上黑黢黢的，差点踩进去';
    const message = robotMessage(api, 'msg-manhole-1', text);
    expect((await post(message)).status).toBe(200);
    await bot.settle();
    const incident = (await incidents()).find((i) => i.text === text)!;
    expect(incident).toMatchObject({ leadPost: 'MUNICIPAL', status: 'dispatched' });

    const card = api.cards.get(cardIdOf(api, incident.number)!);
    expect(card).toMatchObject({ cardTemplateId: TEMPLATE, openSpaceId: `dtv1.card//IM_GROUP.${WORKER_GROUP}`, callbackType: 'STREAM' });
    expect(card!.cardParamMap.title).toContain(incident.number);
    expect(JSON.parse(card!.cardParamMap.buttons).map((b: { id: string }) => b.id)).toContain('accept');

    const receipt = api.requestsTo(new URL(message.sessionWebhook).pathname).map((r) => r.body as { text?: { content: string } });
    expect(receipt.some((b) => b.text?.content.includes(incident.number) && b.text.content.includes('受理回执'))).toBe(true);

    // A member accepts on the card (over Stream): the card is updated for everyone, the resident is told.
    const outTrackId = cardIdOf(api, incident.number)!;
    const click = stream.pushCard({ type: 'actionCallback', outTrackId, userId: 'staff-zhangwei', content: JSON.stringify({ cardPrivateData: { actionIds: ['accept'], params: {} } }) });
    await stream.waitForAck(click, 10_000);
    await bot.settle();
    expect((await bot.call('GET', `/api/incidents/${incident.id}`)).body).toMatchObject({ status: 'accepted' });
    expect(api.cards.get(outTrackId)!.cardParamMap.status).toContain('张伟');
    expect(api.requestsTo('/v1.0/card/instances').some((r) => r.method === 'PUT' && (r.body as { outTrackId: string }).outTrackId === outTrackId)).toBe(true);
    const notices = api.requestsTo(new URL(message.sessionWebhook).pathname).map((r) => (r.body as { text?: { content: string } }).text?.content ?? '');
    expect(notices.some((t) => t.startsWith('【已接单】') && t.includes(incident.number))).toBe(true);
  });

  it('refuses a click from someone outside the post, telling them why, and changes nothing', async () => {
    const text = '5栋旁边的路灯不亮了好几天';
    await post(robotMessage(api, 'msg-lamp-1', text));
    await bot.settle();
    const incident = (await incidents()).find((i) => i.text === text)!;
    const outTrackId = cardIdOf(api, incident.number)!;
    const click = stream.pushCard({ type: 'actionCallback', outTrackId, userId: 'staff-stranger', content: JSON.stringify({ cardPrivateData: { actionIds: ['accept'], params: {} } }) });
    await stream.waitForAck(click, 10_000);
    await bot.settle();
    expect((await bot.call('GET', `/api/incidents/${incident.id}`)).body.status).toBe('dispatched');
    const told = api.requestsTo('/v1.0/robot/oToMessages/batchSend').map((r) => r.body as { userIds: string[]; msgParam: string });
    expect(told.some((b) => b.userIds.includes('staff-stranger') && JSON.parse(b.msgParam).content.startsWith('操作未生效'))).toBe(true);
  });

  it('keeps a rich text\'s picture, downloaded through the robot\'s file download into DATA_DIR', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    api.addFile('dl-manhole-photo', png, 'image/png');
    const message = { ...robotMessage(api, 'msg-photo-1', ''), msgtype: 'richText', text: undefined, content: { richText: [{ text: ' 【随手拍】7栋门口井盖没了' }, { type: 'picture', downloadCode: 'dl-manhole-photo' }] } };
    expect((await post(message)).status).toBe(200);
    await bot.settle();
    const stored = ((await bot.call('GET', '/api/messages?limit=500')).body.items as { text: string; attachments: { id: string; status: string; contentType: string }[] }[]).find((m) => m.text === '【随手拍】7栋门口井盖没了')!;
    expect(stored.attachments).toMatchObject([{ status: 'stored', contentType: 'image/png' }]);
    const file = await fetch(`${bot.runtime.url}/api/attachments/${stored.attachments[0].id}`);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
  });

  it('falls back to the robot\'s group send once a message\'s sessionWebhook has expired', async () => {
    const text = '6栋楼下的垃圾桶满了三天没人收';
    const message = robotMessage(api, 'msg-expired-1', text);
    api.expireSessionWebhook(message.sessionWebhook);
    expect((await post(message)).status).toBe(200);
    await bot.settle();
    const incident = (await incidents()).find((i) => i.text === text)!;
    const sent = api.requestsTo('/v1.0/robot/groupMessages/send').map((r) => r.body as { openConversationId: string; msgParam: string });
    expect(sent.some((b) => b.openConversationId === RESIDENT_GROUP && JSON.parse(b.msgParam).content.includes(incident.number))).toBe(true);
  });

  it('makes one incident of the same message delivered twice', async () => {
    const text = '9栋楼道有人飞线充电';
    const message = robotMessage(api, 'msg-twice-1', text);
    expect((await post(message)).status).toBe(200);
    expect((await post(message)).status).toBe(200);
    await bot.settle();
    expect((await incidents()).filter((i) => i.text === text)).toHaveLength(1);
  });

  it('refuses a forged sign, a stale timestamp and a body that is no robot message, storing nothing', async () => {
    const before = await messages();
    const message = robotMessage(api, 'msg-forged-1', '假的消息');
    const timestamp = String(Date.now());
    expect((await post(message, { timestamp, sign: robotSign(timestamp, 'not the secret') })).status).toBe(401);
    const stale = String(Date.now() - 2 * 3_600_000);
    expect((await post(message, { timestamp: stale, sign: robotSign(stale, CLIENT_SECRET) })).status).toBe(401);
    expect((await post(message, { timestamp: '', sign: '' })).status).toBe(401);
    expect((await post({ hello: 'world' })).status).toBe(400);
    expect(await messages()).toBe(before);
  });
});

describe('DingTalk, Stream mode', () => {
  it('stores a robot message pushed over Stream, acknowledges it, and answers it with a card and a receipt', async () => {
    const api = await startDingtalkStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, robotCode: CLIENT_ID });
    const stream = await startDingtalkStreamStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    const bot = await startDingtalkBot('stream', api, stream);
    try {
      await stream.waitForConnection(1, 10_000);
      const text = '3栋门口的井盖被人偷了，一个大洞';
      const message = robotMessage(api, 'msg-stream-1', text);
      const pushed = stream.pushRobot(message);
      await stream.waitForAck(pushed, 10_000);
      stream.pushRobot(message); // DingTalk re-sends what it thinks was not acknowledged
      await bot.settle();
      const found = ((await bot.call('GET', '/api/incidents?limit=10')).body.items as Incident[]).filter((i) => i.text === text);
      expect(found).toHaveLength(1);
      expect(cardIdOf(api, found[0].number)).toBeTruthy();
      const replies = api.requestsTo(new URL(message.sessionWebhook).pathname).map((r) => (r.body as { text?: { content: string } }).text?.content ?? '');
      expect(replies.filter((t) => t.startsWith('【受理回执】') && t.includes(found[0].number))).toHaveLength(1);
      expect((await bot.call('GET', '/healthz')).body.connections.dingtalk).toMatchObject({ state: 'connected' });
    } finally {
      await bot.stop();
      await stream.close();
      await api.close();
    }
  });
});

/** The outTrackId (our card's id) of the card about this case that the stand-in holds for the worker group. */
function cardIdOf(api: DingtalkStandIn, incidentNumber: string): string | undefined {
  for (const [outTrackId, card] of api.cards) {
    if (card.openSpaceId === `dtv1.card//IM_GROUP.${WORKER_GROUP}` && card.cardParamMap.title.includes(incidentNumber)) return outTrackId;
  }
  return undefined;
}
