// The WebSocket stand-in for WeCom's intelligent-bot long connection is only worth something if the real
// SDK cannot tell it from WeCom: these tests drive @wecom/aibot-node-sdk's WSClient against it.
import { WSClient, type Logger, type TemplateCard, type WsFrame } from '@wecom/aibot-node-sdk';
import { ERRCODE_WRONG_SECRET, startWecomWsStandIn, type WsStandIn } from '../support/wecomWsStandIn';

const BOT_ID = 'aibTestBot01';
const SECRET = 'test-secret-0123456789';

/** Keeps the SDK quiet; what it logs is asserted through events and recorded frames instead. */
const silentLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

let standIn: WsStandIn;
const clients: WSClient[] = [];

function connectClient(overrides: { secret?: string; maxAuthFailureAttempts?: number } = {}): WSClient {
  const client = new WSClient({
    botId: BOT_ID,
    secret: overrides.secret ?? SECRET,
    wsUrl: standIn.url,
    heartbeatInterval: 100,
    reconnectInterval: 50,
    maxReconnectAttempts: 3,
    maxAuthFailureAttempts: overrides.maxAuthFailureAttempts ?? 0,
    logger: silentLogger,
  });
  clients.push(client);
  client.connect();
  return client;
}

function nextEvent<T>(client: WSClient, event: 'message.text' | 'event.template_card_event' | 'event.disconnected_event' | 'error' | 'disconnected', timeoutMs = 3000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} from the SDK within ${timeoutMs} ms`)), timeoutMs);
    client.once(event, (value: unknown) => {
      clearTimeout(timer);
      resolve(value as T);
    });
  });
}

const pings = (connection: number) => standIn.frames.filter((frame) => frame.cmd === 'ping' && frame.connection === connection).length;

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A group text message @-mentioning the bot, shaped as in platforms.md §4.1. */
function groupText(content: string) {
  return {
    msgid: 'msg-0001',
    aibotid: BOT_ID,
    chatid: 'wrGroup1',
    chattype: 'group',
    from: { userid: 'zhangsan' },
    msgtype: 'text',
    text: { content },
  };
}

beforeEach(async () => {
  standIn = await startWecomWsStandIn({ botId: BOT_ID, secret: SECRET });
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect(); // a no-op for a client that was kicked
  await standIn.close();
});

it('authenticates the SDK with aibot_subscribe carrying bot_id and secret, and answers its heartbeats', async () => {
  const client = connectClient();
  const authenticated = new Promise<void>((resolve) => client.once('authenticated', resolve));
  await standIn.waitForSubscribe();
  await authenticated;

  const subscribe = await standIn.waitForFrame('aibot_subscribe');
  expect(subscribe.reqId).toMatch(/^aibot_subscribe_/);
  expect(subscribe.body).toEqual({ bot_id: BOT_ID, secret: SECRET });
  expect(standIn.connections()).toBe(1);

  // A third ping on the same connection proves the first two were answered: after two unanswered pings the
  // SDK terminates the socket at the next tick instead of pinging again.
  await until(() => pings(1) >= 3);
  expect(client.isConnected).toBe(true);
  expect(standIn.frames.filter((frame) => frame.cmd === 'aibot_subscribe')).toHaveLength(1);
});

it('with heartbeats unanswered, the SDK gives the connection up and subscribes on a new one', async () => {
  connectClient();
  await standIn.waitForSubscribe(1);
  standIn.answerHeartbeats = false;

  await standIn.waitForSubscribe(2);
  expect(pings(1)).toBe(2);
  expect(standIn.frames.filter((frame) => frame.cmd === 'aibot_subscribe').map((frame) => frame.connection)).toEqual([1, 2]);
});

it('delivers a group text message to message.text, and acks the stream reply that echoes its req_id', async () => {
  const client = connectClient();
  await standIn.waitForSubscribe();
  const received = nextEvent<WsFrame>(client, 'message.text');
  const reqId = standIn.deliverMessage(groupText('@网格助手 3栋外墙瓷砖掉下来了'));

  const frame = await received;
  expect(frame.cmd).toBe('aibot_msg_callback');
  expect(frame.headers.req_id).toBe(reqId);
  expect(frame.body).toMatchObject({ chatid: 'wrGroup1', chattype: 'group', from: { userid: 'zhangsan' }, text: { content: '@网格助手 3栋外墙瓷砖掉下来了' } });

  const ack = await client.replyStream(frame, 'stream-1', '收到', true);
  expect(ack).toMatchObject({ headers: { req_id: reqId }, errcode: 0 });
  const reply = await standIn.waitForFrame('aibot_respond_msg', reqId);
  expect(reply.body).toEqual({ msgtype: 'stream', stream: { id: 'stream-1', finish: true, content: '收到' } });
});

it('acks an active push (aibot_send_msg) to a group', async () => {
  const client = connectClient();
  await standIn.waitForSubscribe();

  const ack = await client.sendMessage('wrGroup1', { msgtype: 'markdown', markdown: { content: 'hi' } });
  expect(ack.errcode).toBe(0);
  const push = await standIn.waitForFrame('aibot_send_msg');
  expect(push.reqId).toMatch(/^aibot_send_msg_/);
  expect(push.body).toEqual({ chatid: 'wrGroup1', msgtype: 'markdown', markdown: { content: 'hi' } });
});

it('rejects the SDK promise when WeCom acks with an error errcode (over quota)', async () => {
  const client = connectClient();
  await standIn.waitForSubscribe();
  standIn.failAcks('aibot_send_msg', 45009);

  await expect(client.sendMessage('wrGroup1', { msgtype: 'markdown', markdown: { content: 'hi' } })).rejects.toMatchObject({ errcode: 45009 });
});

it('delivers a template_card_event to its listener and acks the card update (aibot_respond_update_msg)', async () => {
  const client = connectClient();
  await standIn.waitForSubscribe();
  const clicked = nextEvent<WsFrame>(client, 'event.template_card_event');
  const reqId = standIn.deliverEvent({
    msgid: 'evt-0001',
    create_time: 1764000000,
    aibotid: BOT_ID,
    chatid: 'wrGroup1',
    chattype: 'group',
    from: { userid: 'lisi' },
    msgtype: 'event',
    event: {
      eventtype: 'template_card_event',
      template_card_event: { card_type: 'button_interaction', event_key: 'accept', task_id: 'A-20261124-0007' },
    },
  });

  const frame = await clicked;
  expect(frame.headers.req_id).toBe(reqId);
  expect(frame.body.event.template_card_event.event_key).toBe('accept');

  const card: TemplateCard = {
    card_type: 'button_interaction',
    main_title: { title: 'A-20261124-0007 已受理' },
    task_id: 'A-20261124-0007',
    button_list: [{ text: '已受理', key: 'accepted', style: 1 }],
  };
  const ack = await client.updateTemplateCard(frame, card);
  expect(ack.errcode).toBe(0);
  const update = await standIn.waitForFrame('aibot_respond_update_msg', reqId);
  expect(update.body).toEqual({ response_type: 'update_template_card', template_card: card });
});

it('a dropped connection is re-established and subscribed again by the SDK', async () => {
  const client = connectClient();
  await standIn.waitForSubscribe(1);
  const reconnecting = new Promise<number>((resolve) => client.once('reconnecting', resolve));

  standIn.dropAll();
  expect(await reconnecting).toBe(1);
  await standIn.waitForSubscribe(2);

  const subscribes = standIn.frames.filter((frame) => frame.cmd === 'aibot_subscribe');
  expect(subscribes.map((frame) => frame.connection)).toEqual([1, 2]);
  expect(standIn.connections()).toBe(1);
  // The new connection carries traffic again.
  const received = nextEvent<WsFrame>(client, 'message.text');
  standIn.deliverMessage(groupText('@网格助手 又掉了一块'));
  expect((await received).body.text.content).toBe('@网格助手 又掉了一块');
});

it('a second subscription for the same bot kicks the first with disconnected_event, and the first stays down', async () => {
  const first = connectClient();
  await standIn.waitForSubscribe(1);
  const kicked = nextEvent<WsFrame>(first, 'event.disconnected_event');
  const firstDisconnected = nextEvent<string>(first, 'disconnected');

  const second = connectClient();
  await standIn.waitForSubscribe(2);
  expect((await kicked).body.event.eventtype).toBe('disconnected_event');
  await firstDisconnected;

  // The SDK does not fight back: no new subscribe from the first client.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(standIn.frames.filter((frame) => frame.cmd === 'aibot_subscribe')).toHaveLength(2);
  expect(standIn.connections()).toBe(1);
  expect(first.isConnected).toBe(false);
  expect(second.isConnected).toBe(true);

  const received = nextEvent<WsFrame>(second, 'message.text');
  standIn.deliverMessage(groupText('@网格助手 5栋电梯困人'));
  expect((await received).body.text.content).toBe('@网格助手 5栋电梯困人');
});

it('answers a wrong secret with an errcode the SDK reports as an authentication failure', async () => {
  const client = connectClient({ secret: 'wrong-secret' });
  const failure = nextEvent<Error>(client, 'error');

  expect((await failure).message).toContain(`(code: ${ERRCODE_WRONG_SECRET})`);
  expect(standIn.connections()).toBe(0);
  expect(standIn.frames.filter((frame) => frame.cmd === 'aibot_subscribe')).toHaveLength(1);
  await expect(standIn.waitForSubscribe(1, 200)).rejects.toThrow('subscription #1 did not happen');
});

it('rejectSubscribe forces an auth failure even with the right credentials, until lifted', async () => {
  standIn.rejectSubscribe(40001);
  const client = connectClient({ maxAuthFailureAttempts: 1 });
  expect((await nextEvent<Error>(client, 'error')).message).toContain('Authentication failed');

  standIn.rejectSubscribe(null);
  // The SDK retries once after reconnectInterval and now gets in.
  await standIn.waitForSubscribe(1);
  expect(standIn.connections()).toBe(1);
});
