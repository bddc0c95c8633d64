// WeCom's intelligent bot over its long connection (WECOM_BOT_MODE=ws), against the WebSocket stand-in and
// the real @wecom/aibot-node-sdk: an @-mention arrives as a frame → incident → the card is pushed into the
// post's worker group and the receipt into the resident group → a member's click is answered on its frame
// with the updated card; the connection comes back after a drop and /healthz says so. With several
// processes on Redis only the lock holder connects, the others hand it their pushes, and one takes over
// when the holder stops.
import { randomUUID } from 'node:crypto';
import type { WecomBotConnection } from '../../bot/wecom/wsConnection';
import { MARIADB } from '../support/mariadb';
import { TEST_REDIS_URL } from '../support/redis';
import { AVAILABLE, describeIfAvailable, mariadbAvailability, redisAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';
import { startWecomStandIn, type WecomStandIn } from '../support/wecomStandIn';
import { startWecomWsStandIn, type RecordedFrame, type WsStandIn } from '../support/wecomWsStandIn';

const BOT_ID = 'aibGridHelper';
const SECRET = 'ws-secret';
const RESIDENT_GROUP = 'wrResidentJiaheli';
const WORKER_GROUP = 'wrWorkersFire';

const wsEnv = (ws: WsStandIn, api: WecomStandIn, extra: Record<string, string> = {}) => ({
  WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET, WECOM_WS_URL: ws.url, WECOM_API_BASE: api.url,
  FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0', ...extra,
});

async function bindStreet(bot: TestBot) {
  const ok = (response: { status: number }) => expect(response.status).toBe(200);
  ok(await bot.call('PUT', `/api/chats/wecom/${RESIDENT_GROUP}/binding`, { kind: 'resident', orgUnit: 'c.jiaheli', name: '嘉和里居民群' }));
  ok(await bot.call('PUT', `/api/chats/wecom/${WORKER_GROUP}/binding`, { kind: 'worker', post: 'FIRE', name: '消防安全岗工作群' }));
  ok(await bot.call('PUT', '/api/posts/FIRE/members/wecom/chenjing', { name: '陈静' }));
}

const mention = (text: string, userid = 'zhaolei') => ({
  msgid: `ws-${randomUUID()}`, aibotid: BOT_ID, chatid: RESIDENT_GROUP, chattype: 'group', from: { userid }, msgtype: 'text', text: { content: `@网格助手 ${text}` },
});

async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const sends = (ws: WsStandIn) => ws.frames.filter((f) => f.cmd === 'aibot_send_msg') as RecordedFrame<{ chatid: string; msgtype: string; markdown?: { content: string }; template_card?: { task_id: string; main_title: { title: string }; button_list: { key: string }[] } }>[];

describe('WeCom bot over the long connection', () => {
  let ws: WsStandIn;
  let api: WecomStandIn;
  let bot: TestBot;

  beforeAll(async () => {
    ws = await startWecomWsStandIn({ botId: BOT_ID, secret: SECRET });
    api = await startWecomStandIn();
    bot = await startTestBot(wsEnv(ws, api));
    await ws.waitForSubscribe(1);
    await bindStreet(bot);
  });
  afterAll(async () => {
    await bot?.stop();
    await ws?.close();
    await api?.close();
  });

  it('is connected and says so in /healthz', async () => {
    const health = await eventually(async () => {
      const body = (await bot.call('GET', '/healthz')).body;
      return body.connections?.wecom?.state === 'connected' ? body : undefined;
    }, 'a connected state');
    expect(health.connections.wecom).toMatchObject({ mode: 'ws', state: 'connected' });
  });

  it('pushes the card into the worker group and the receipt into the resident group, and answers a click on its frame', async () => {
    const text = '2单元楼道里有人把电瓶车推进去充电，线从窗户拉进来的';
    ws.deliverMessage(mention(text));
    const incident = await eventually(async () => {
      await bot.settle();
      const items = (await bot.call('GET', '/api/incidents?limit=100')).body.items as { id: string; number: string; text: string; status: string; leadPost: string }[];
      return items.find((i) => i.text === text);
    }, 'the incident');
    expect(incident.leadPost).toBe('FIRE');

    const card = await eventually(() => sends(ws).find((f) => f.body.chatid === WORKER_GROUP && f.body.template_card?.main_title.title.includes(incident.number)), 'the card push');
    expect(card.body.template_card!.button_list.map((b) => b.key)).toEqual(expect.arrayContaining(['accept', 'return']));
    const receipt = await eventually(() => sends(ws).find((f) => f.body.chatid === RESIDENT_GROUP && f.body.markdown?.content.includes(incident.number)), 'the receipt push');
    expect(receipt.body.msgtype).toBe('markdown');

    // Someone outside the post clicks: told why 1:1, the card stays.
    ws.deliverEvent({ msgid: `ev-${randomUUID()}`, aibotid: BOT_ID, chatid: WORKER_GROUP, chattype: 'group', from: { userid: 'zhaolei' }, msgtype: 'event', create_time: Date.now(), event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: 'accept', task_id: card.body.template_card!.task_id } } });
    await eventually(() => sends(ws).find((f) => f.body.chatid === 'zhaolei' && f.body.markdown?.content.includes('操作未生效')), 'the refusal to the outsider');

    const clickReqId = ws.deliverEvent({ msgid: `ev-${randomUUID()}`, aibotid: BOT_ID, chatid: WORKER_GROUP, chattype: 'group', from: { userid: 'chenjing' }, msgtype: 'event', create_time: Date.now(), event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: 'accept', task_id: card.body.template_card!.task_id } } });
    const update = await ws.waitForFrame('aibot_respond_update_msg', clickReqId, 5000);
    expect(update.body).toMatchObject({ response_type: 'update_template_card', template_card: { task_id: card.body.template_card!.task_id } });
    expect((update.body.template_card.button_list as { key: string }[]).map((b) => b.key)).toContain('resolve');
    await bot.settle();
    expect((await bot.call('GET', `/api/incidents/${incident.id}`)).body.status).toBe('accepted');
    await eventually(() => sends(ws).find((f) => f.body.chatid === RESIDENT_GROUP && f.body.markdown?.content.includes('已接单') && f.body.markdown.content.includes(incident.number)), 'the accepted notice');
  });

  it('welcomes a person on enter_chat within the frame', async () => {
    const reqId = ws.deliverEvent({ msgid: `ev-${randomUUID()}`, aibotid: BOT_ID, from: { userid: 'zhaolei' }, msgtype: 'event', create_time: Date.now(), event: { eventtype: 'enter_chat' } });
    const welcome = await ws.waitForFrame('aibot_respond_welcome_msg', reqId, 3000);
    expect(welcome.body).toMatchObject({ msgtype: 'text', text: { content: expect.stringContaining('@我') } });
  });

  it('reconnects after the connection drops and pushes again', async () => {
    ws.dropAll();
    await ws.waitForSubscribe(2, 10_000);
    const text = '小区北门消防通道被私家车堵了一上午';
    ws.deliverMessage(mention(text));
    await eventually(async () => {
      await bot.settle();
      const items = (await bot.call('GET', '/api/incidents?limit=100')).body.items as { number: string; text: string }[];
      const found = items.find((i) => i.text === text);
      return found && sends(ws).some((f) => f.body.chatid === RESIDENT_GROUP && f.body.markdown?.content.includes(found.number)) ? found : undefined;
    }, 'a receipt after the reconnect', 10_000);
  });
});

const mariadb = mariadbAvailability(MARIADB);
const services = mariadb === AVAILABLE ? redisAvailability(TEST_REDIS_URL) : mariadb;

describeIfAvailable(services, 'WeCom bot connection across processes on Redis', () => {
  let ws: WsStandIn;
  let api: WecomStandIn;
  const bots: TestBot[] = [];

  beforeAll(async () => {
    ws = await startWecomWsStandIn({ botId: BOT_ID, secret: SECRET });
    api = await startWecomStandIn();
  });
  afterAll(async () => {
    for (const bot of bots.reverse()) await bot.stop().catch(() => undefined);
    await ws?.close();
    await api?.close();
  });

  it('connects once, relays the standby\'s pushes to the holder, and hands over when the holder stops', async () => {
    const first = await startTestBot(wsEnv(ws, api, { WECOM_WS_LOCK_MS: '600', ROLE: 'all' }), false, { backend: 'mariadb+bull' });
    bots.push(first);
    await ws.waitForSubscribe(1);
    const { config } = first.runtime;
    if (config.database.type === 'better-sqlite3' || config.queue.kind !== 'bull') throw new Error('expected MariaDB and bull');
    const second = await startTestBot(
      wsEnv(ws, api, { WECOM_WS_LOCK_MS: '600', ROLE: 'all', DATABASE_URL: config.database.url, REDIS_URL: config.queue.redisUrl, BULL_PREFIX: config.queue.prefix }),
      true,
    );
    bots.push(second);
    const connectionOf = (bot: TestBot) => bot.runtime.platforms.find((p) => p.platform === 'wecom')!.connection as WecomBotConnection;

    // Several lock periods pass: still one connection, the second process standing by.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ws.connections()).toBe(1);
    expect(ws.frames.filter((f) => f.cmd === 'aibot_subscribe')).toHaveLength(1);
    expect(connectionOf(second).describe()).toMatchObject({ state: 'standby' });

    // A push from the standby goes out over the holder's connection.
    await connectionOf(second).send('wrRelayCheck', { msgtype: 'markdown', markdown: { content: '经由持有连接的进程发送' } });
    const relayed = sends(ws).find((f) => f.body.chatid === 'wrRelayCheck')!;
    expect(relayed.connection).toBe(ws.frames.find((f) => f.cmd === 'aibot_subscribe')!.connection);

    // The holder stops: the standby takes the lock and connects.
    await first.stop();
    bots.splice(bots.indexOf(first), 1);
    await ws.waitForSubscribe(2, 5000);
    await eventually(() => (connectionOf(second).describe().state === 'connected' ? true : undefined), 'the standby connected');
    await connectionOf(second).send('wrAfterHandover', { msgtype: 'markdown', markdown: { content: '接管后' } });
    expect(sends(ws).some((f) => f.body.chatid === 'wrAfterHandover')).toBe(true);
  });
});
