// DingTalk's robot in Stream mode, below the adapter: the real dingtalk-stream SDK, driven by
// DingtalkStreamConnection, against the gateway stand-in. A push reaches the handler and is acked only after the
// handler resolved; a push whose handler failed is re-pushed and handled again; a click is acked with the
// handler's answer; a silent server, a dropped socket and DingTalk's `disconnect` each lead to a new socket, never
// two at once; /healthz's describe() follows; on Redis one process subscribes and a standby takes over.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import pino from 'pino';
import { TOPIC_CARD, TOPIC_ROBOT } from 'dingtalk-stream';
import {
  DingtalkStreamConnection,
  dingtalkStreamLockKey,
  type StreamConnectionOptions,
  type StreamHandlers,
} from '../../bot/dingtalk/streamConnection';
import { LocalConnectionLock, RedisConnectionLock, type ConnectionLock } from '../../bot/wecom/connectionLock';
import {
  STAND_IN_TOPIC_CARD,
  STAND_IN_TOPIC_ROBOT,
  startDingtalkStreamStandIn,
  type StreamStandIn,
  type StreamStandInOptions,
} from '../support/dingtalkStreamStandIn';
import { scratchBullPrefix, TEST_REDIS_URL } from '../support/redis';
import { describeIfAvailable, redisAvailability } from '../support/services';

jest.setTimeout(15_000);

const CLIENT_ID = 'dingGridHelper01';
const CLIENT_SECRET = 'stream-secret-0123456789';
const silentLog = pino({ level: 'silent' });

/** A group @-mention as DingTalk pushes it on TOPIC_ROBOT (fields as platforms.md §6a, SDK RobotTextMessage). */
function robotMessage(content: string) {
  const createAt = Date.now();
  return {
    conversationId: 'cidJiaheliResidents==',
    chatbotCorpId: 'dingCorp01',
    chatbotUserId: '$:LWCP_v1:$robot',
    msgId: `msg${randomUUID().replace(/-/g, '')}`,
    senderNick: '赵磊',
    isAdmin: false,
    senderStaffId: 'zhaolei',
    sessionWebhookExpiredTime: createAt + 5_400_000,
    createAt,
    senderCorpId: 'dingCorp01',
    conversationType: '2',
    senderId: '$:LWCP_v1:$sender',
    sessionWebhook: 'https://oapi.dingtalk.com/robot/sendBySession?session=abc',
    robotCode: CLIENT_ID,
    msgtype: 'text',
    text: { content: ` ${content}` },
    conversationTitle: '嘉和里居民群',
    isInAtList: true,
    atUsers: [{ dingtalkId: '$:LWCP_v1:$robot' }],
  };
}

/** A button click as pushed on TOPIC_CARD (platforms.md §6c, card_callback_message.py). */
function cardClick(outTrackId: string, actionId: string) {
  const content = JSON.stringify({ cardPrivateData: { actionIds: [actionId], params: {} } });
  return { type: 'actionCallback', outTrackId, corpId: 'dingCorp01', userId: 'chenjing', spaceType: 'IM', spaceId: 'cidWorkersFire==', userIdType: 1, extension: '{}', content, value: content };
}

interface Call {
  handler: keyof StreamHandlers;
  raw: any;
  messageId: string;
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A lock another process holds until the test frees it. */
class HeldElsewhereLock implements ConnectionLock {
  readonly id = 'this-process';
  isFree = false;
  private isHeld = false;
  async acquire() {
    return (this.isHeld = this.isFree);
  }
  async renew() {
    return this.isHeld && this.isFree;
  }
  async release() {
    this.isHeld = false;
  }
  async holder() {
    return this.isHeld ? this.id : this.isFree ? null : 'other-host:4242';
  }
}

let standIn: StreamStandIn;
const connections: DingtalkStreamConnection[] = [];

async function startStandIn(options: Partial<StreamStandInOptions> = {}) {
  standIn = await startDingtalkStreamStandIn({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, keepaliveEveryMs: 200, pingEveryMs: 300, ...options });
}

/** A connection with recording handlers; `handlers` replaces either one. */
function makeConnection(overrides: Partial<Omit<StreamConnectionOptions, 'handlers'>> & { handlers?: Partial<StreamHandlers> } = {}) {
  const calls: Call[] = [];
  const { handlers, ...rest } = overrides;
  const connection = new DingtalkStreamConnection({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    gatewayUrl: standIn.gatewayUrl,
    lock: new LocalConnectionLock(),
    log: silentLog,
    livenessMs: 1500,
    lockEveryMs: 100,
    backoff: { firstMs: 50, maxMs: 400 },
    ...rest,
    handlers: {
      robotMessage: async (raw, messageId) => {
        calls.push({ handler: 'robotMessage', raw, messageId });
        await handlers?.robotMessage?.(raw, messageId);
      },
      cardCallback: async (raw, messageId) => {
        calls.push({ handler: 'cardCallback', raw, messageId });
        return handlers?.cardCallback?.(raw, messageId);
      },
    },
  });
  connections.push(connection);
  return { connection, calls };
}

const stateOf = (connection: DingtalkStreamConnection) => connection.describe().state;
const connected = (connection: DingtalkStreamConnection, timeoutMs = 5000) => until(() => stateOf(connection) === 'connected', 'a connected state', timeoutMs);

beforeAll(() => {
  // The SDK prints "connect success" and "Disconnecting." with console.info on every socket.
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
});

afterEach(async () => {
  for (const connection of connections.splice(0)) await connection.stop();
  await standIn?.close();
});

describe('DingTalk Stream connection', () => {
  beforeEach(() => startStandIn());

  it('opens through the configured gateway, subscribing exactly the robot and card callbacks, and answers pings', async () => {
    expect([STAND_IN_TOPIC_ROBOT, STAND_IN_TOPIC_CARD]).toEqual([TOPIC_ROBOT, TOPIC_CARD]);
    const { connection } = makeConnection();
    await connection.start();
    await connected(connection);

    expect(standIn.opens).toHaveLength(1);
    expect(standIn.opens[0]).toMatchObject({ status: 200, accept: 'application/json' });
    expect(standIn.opens[0].body).toMatchObject({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    expect(standIn.opens[0].body.subscriptions).toEqual([
      { type: 'CALLBACK', topic: TOPIC_ROBOT },
      { type: 'CALLBACK', topic: TOPIC_CARD },
    ]);
    // The SDK echoes DingTalk's ping (headers and data) on its own.
    const echo = await until(() => standIn.clientFrames.find((f) => f.headers.topic === 'ping'), 'a ping echo', 2000);
    expect(echo).toMatchObject({ code: 200, message: 'OK', data: expect.stringContaining('opaque') });
  });

  it('hands a robot push to the handler and acks it only after the handler resolved', async () => {
    const stored = deferred();
    const { connection, calls } = makeConnection({ handlers: { robotMessage: () => stored.promise } });
    await connection.start();
    await connected(connection);

    const payload = robotMessage('2单元楼道里有人推电瓶车进去充电');
    const messageId = standIn.pushRobot(payload);
    await until(() => calls.length === 1, 'the handler call');
    expect(calls[0]).toEqual({ handler: 'robotMessage', raw: payload, messageId });
    await sleep(200);
    expect(standIn.acksFor(messageId)).toHaveLength(0);

    stored.resolve();
    const ack = await standIn.waitForAck(messageId);
    expect(ack).toMatchObject({ code: 200, headers: { messageId, contentType: 'application/json' }, message: 'OK' });
    expect(JSON.parse(ack.data as string)).toEqual({ response: {} });
    expect(standIn.clientFrames.filter((f) => f.headers.messageId === messageId)).toHaveLength(1);
  });

  it('leaves a push unacked when the handler throws, and handles the re-push', async () => {
    await standIn.close();
    await startStandIn({ repushAfterMs: 300 });
    let attempts = 0;
    const { connection, calls } = makeConnection({
      handlers: {
        robotMessage: async () => {
          attempts += 1;
          if (attempts === 1) throw new Error('database unavailable');
        },
      },
    });
    await connection.start();
    await connected(connection);

    const payload = robotMessage('北门消防通道被私家车堵了');
    const messageId = standIn.pushRobot(payload);
    await until(() => calls.length === 1, 'the first handler call');
    await sleep(150);
    expect(standIn.acksFor(messageId)).toHaveLength(0);

    const ack = await standIn.waitForAck(messageId, 2000);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual({ handler: 'robotMessage', raw: payload, messageId });
    expect(standIn.deliveries.filter((d) => d.messageId === messageId).map((d) => d.repush)).toEqual([0, 1]);
    expect(ack.at).toBeGreaterThanOrEqual(standIn.deliveries.find((d) => d.repush === 1)!.at);
    await sleep(500); // acked: no further re-push
    expect(standIn.deliveries.filter((d) => d.messageId === messageId)).toHaveLength(2);
  });

  it("acks a card click with the handler's answer", async () => {
    const answer = { cardUpdateOptions: { updateCardDataByKey: true }, cardData: { cardParamMap: { status: 'accepted', acceptedBy: '陈静' } } };
    const { connection, calls } = makeConnection({ handlers: { cardCallback: async () => answer } });
    await connection.start();
    await connected(connection);

    const click = cardClick('A-20261124-0007', 'accept');
    const messageId = standIn.pushCard(click);
    const ack = await standIn.waitForAck(messageId);
    expect(calls).toEqual([{ handler: 'cardCallback', raw: click, messageId }]);
    expect(ack).toMatchObject({ code: 200, headers: { messageId } });
    expect(JSON.parse(ack.data as string)).toEqual({ response: answer });
  });

  it('acks a click whose handler answers nothing with an empty response', async () => {
    const { connection } = makeConnection();
    await connection.start();
    await connected(connection);
    const messageId = standIn.pushCard(cardClick('A-20261124-0008', 'return'));
    expect(JSON.parse((await standIn.waitForAck(messageId)).data as string)).toEqual({ response: {} });
  });

  it('stays on one socket while frames flow, and reconnects within livenessMs once the server goes silent', async () => {
    const livenessMs = 1000;
    const { connection, calls } = makeConnection({ livenessMs });
    await connection.start();
    await connected(connection);
    await sleep(livenessMs * 1.5); // keepalives every 200 ms keep it alive
    expect(standIn.accepted()).toBe(1);
    expect(connection.describe().reconnects).toBe(0);

    const silentAt = Date.now();
    standIn.goSilent();
    await standIn.waitForConnection(2, livenessMs + 2000);
    const tookMs = Date.now() - silentAt;
    expect(tookMs).toBeGreaterThan(livenessMs - 300); // the last keepalive came at most 200 ms before the silence
    expect(tookMs).toBeLessThan(livenessMs + 1000);
    await connected(connection);
    expect(connection.describe()).toMatchObject({ state: 'connected', reconnects: 1 });

    const messageId = standIn.pushRobot(robotMessage('又有电瓶车进楼道了'));
    await standIn.waitForAck(messageId);
    expect(calls.map((c) => c.messageId)).toEqual([messageId]);
    expect(standIn.deliveries.find((d) => d.messageId === messageId)!.connection).toBe(2);
    expect(standIn.peakOpenSockets()).toBe(1);
    await until(() => standIn.openSockets() === 1, 'the silent socket closed');
  });

  it('reconnects after the socket is dropped, and pushes flow on the new one', async () => {
    const { connection, calls } = makeConnection();
    await connection.start();
    await connected(connection);

    standIn.dropAll();
    await standIn.waitForConnection(2, 3000);
    await connected(connection);
    expect(connection.describe()).toMatchObject({ reconnects: 1 });
    expect(standIn.opens).toHaveLength(2); // a fresh ticket for the new socket

    const messageId = standIn.pushRobot(robotMessage('5栋电梯困人'));
    await standIn.waitForAck(messageId);
    expect(calls).toHaveLength(1);
    expect(standIn.peakOpenSockets()).toBe(1);
  });

  it("reconnects at once on DingTalk's disconnect, though the old socket is left open", async () => {
    const { connection } = makeConnection({ livenessMs: 5000 });
    await connection.start();
    await connected(connection);
    await sleep(100);

    const askedAt = Date.now();
    standIn.sendDisconnect();
    await standIn.waitForConnection(2, 2000);
    expect(Date.now() - askedAt).toBeLessThan(1000); // neither the liveness check nor a backoff
    await connected(connection);
    expect(standIn.peakOpenSockets()).toBe(1);
    const messageId = standIn.pushRobot(robotMessage('3栋外墙瓷砖掉下来了'));
    await standIn.waitForAck(messageId);
  });

  it('backs off while the gateway refuses, and connects once it answers', async () => {
    standIn.refuseOpens(503);
    const { connection } = makeConnection({ backoff: { firstMs: 50, maxMs: 200 } });
    await connection.start();
    await until(() => standIn.opens.length >= 4, 'four refused opens');
    const description = connection.describe();
    expect(description).toMatchObject({ state: 'connecting', lastFrameAt: null });
    expect(String(description.detail)).toContain('503');
    const gaps = standIn.opens.slice(1, 4).map((open, i) => open.at - standIn.opens[i].at);
    expect(gaps[2]).toBeGreaterThan(gaps[0]); // 50, 100, 200 ms

    standIn.refuseOpens(null);
    await connected(connection, 3000);
    expect(standIn.accepted()).toBe(1);
  });

  it('describe() reports stopped, standby, connecting and connected, with the last frame and reconnects', async () => {
    const lock = new HeldElsewhereLock();
    let now = new Date('2026-11-24T08:00:00.000Z');
    const { connection } = makeConnection({ lock, clock: () => now });
    expect(connection.describe()).toEqual({ mode: 'stream', state: 'stopped', since: '2026-11-24T08:00:00.000Z', lastFrameAt: null, reconnects: 0, process: 'this-process' });

    now = new Date('2026-11-24T08:01:00.000Z');
    await connection.start();
    expect(connection.describe()).toMatchObject({ state: 'standby', since: '2026-11-24T08:01:00.000Z', detail: 'held by other-host:4242' });
    expect(standIn.opens).toHaveLength(0);

    standIn.refuseOpens(503);
    now = new Date('2026-11-24T08:02:00.000Z');
    lock.isFree = true;
    await until(() => standIn.opens.length > 0, 'a refused open');
    expect(connection.describe()).toMatchObject({ state: 'connecting', since: '2026-11-24T08:02:00.000Z', lastFrameAt: null });

    now = new Date('2026-11-24T08:03:00.000Z');
    standIn.refuseOpens(null);
    await connected(connection);
    await until(() => connection.describe().lastFrameAt === '2026-11-24T08:03:00.000Z', 'a frame stamped by the clock');
    expect(connection.describe()).toMatchObject({ since: '2026-11-24T08:03:00.000Z' });
    expect(connection.describe().reconnects).toBeGreaterThan(0); // the refused attempts

    await connection.stop();
    expect(connection.describe()).toMatchObject({ state: 'stopped' });
    await until(() => standIn.openSockets() === 0, 'the socket closed');
  });

  it('on stop, lets a running handler finish and be acked before closing, and takes no new pushes', async () => {
    const stored = deferred();
    const { connection, calls } = makeConnection({ handlers: { robotMessage: () => stored.promise } });
    await connection.start();
    await connected(connection);
    const first = standIn.pushRobot(robotMessage('垃圾桶满了三天没人清'));
    await until(() => calls.length === 1, 'the handler call');

    const stopping = connection.stop();
    const second = standIn.pushRobot(robotMessage('路灯坏了'));
    await sleep(100);
    stored.resolve();
    await stopping;
    expect(standIn.acksFor(first)).toHaveLength(1);
    expect(calls.map((c) => c.messageId)).toEqual([first]);
    expect(standIn.acksFor(second)).toHaveLength(0); // DingTalk re-sends it to whoever connects next
    expect(connection.describe().state).toBe('stopped');
  });

  it('names the Redis lock key as the WeCom bot does', () => {
    expect(dingtalkStreamLockKey('grid-bot', CLIENT_ID)).toBe(`grid-bot:dingtalk:stream:${CLIENT_ID}`);
  });
});

describeIfAvailable(redisAvailability(TEST_REDIS_URL), 'DingTalk Stream connection across processes on Redis', () => {
  const scratch = scratchBullPrefix();
  const redises: Redis[] = [];

  beforeEach(() => startStandIn());
  afterAll(async () => {
    for (const redis of redises) redis.disconnect();
    await scratch.drop();
  });

  it('subscribes once, the other process standing by, and the standby takes over when the holder stops', async () => {
    const key = dingtalkStreamLockKey(scratch.prefix, CLIENT_ID);
    const lockOf = () => {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 2 });
      redises.push(redis);
      return new RedisConnectionLock(redis, key, 600);
    };
    const firstLock = lockOf();
    const secondLock = lockOf();
    const first = makeConnection({ lock: firstLock, lockEveryMs: 200 });
    const second = makeConnection({ lock: secondLock, lockEveryMs: 200 });
    await first.connection.start();
    await connected(first.connection);
    await second.connection.start();

    // Several lock periods pass: one open request, one socket, the second process standing by.
    await sleep(1500);
    expect(standIn.opens).toHaveLength(1);
    expect(standIn.accepted()).toBe(1);
    expect(second.connection.describe()).toMatchObject({ state: 'standby', detail: `held by ${firstLock.id}` });
    const before = standIn.pushRobot(robotMessage('楼顶水箱漏水'));
    await standIn.waitForAck(before);
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(0);

    await first.connection.stop();
    await standIn.waitForConnection(2, 3000);
    await connected(second.connection);
    expect(await redises[0].get(key)).toBe(secondLock.id);
    const after = standIn.pushRobot(robotMessage('小区南门积水'));
    await standIn.waitForAck(after);
    expect(second.calls.map((c) => c.messageId)).toEqual([after]);
    expect(standIn.peakOpenSockets()).toBe(1);
  });
});
