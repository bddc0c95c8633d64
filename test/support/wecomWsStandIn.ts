// Stand-in for WeCom's intelligent-bot long connection (wss://openws.work.weixin.qq.com): a real WebSocket
// server on 127.0.0.1 that answers frames exactly as @wecom/aibot-node-sdk 1.0.7's WSClient waits for them,
// records every frame the client sends, and pushes callbacks the way WeCom does (platforms.md §4.5, §10).
//
// What the SDK requires (read from node_modules/@wecom/aibot-node-sdk/dist/index.cjs.js):
// - every answer is `{ headers: { req_id }, errcode, errmsg }` with errcode at the TOP level (not in body);
//   frames without cmd are routed by req_id: prefix `aibot_subscribe` → auth answer, prefix `ping` →
//   heartbeat answer, any other req_id the SDK is waiting on → the ack of a reply/send (errcode 0 resolves
//   the promise with the whole ack frame, anything else rejects it with that frame);
// - a callback is `{ cmd: 'aibot_msg_callback' | 'aibot_event_callback', headers: { req_id }, body }`, and the
//   body must carry msgtype or the SDK drops it; a reply echoes the callback's req_id;
// - `disconnected_event` makes the SDK emit `event.disconnected_event`, close the socket itself and NOT
//   reconnect; after two unanswered pings it terminates the socket and reconnects.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** The few parts of the `ws` package used here; the repository has no @types/ws, so they are declared locally. */
interface WsSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  once(event: 'listening', listener: () => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  address(): AddressInfo | string | null;
  close(callback?: (error?: Error) => void): void;
}
interface WsModule {
  WebSocketServer: new (options: { host: string; port: number; clientTracking?: boolean }) => WsServer;
}
const { WebSocketServer } = require('ws') as WsModule;
const WS_OPEN = 1;

/** One frame a client sent, as parsed JSON. `connection` numbers the sockets this stand-in accepted, from 1. */
export interface RecordedFrame<Body = any> {
  cmd: string;
  reqId: string;
  body: Body;
  at: number;
  connection: number;
}

export interface WsStandIn {
  /** ws://127.0.0.1:<port>, to pass as WSClient's wsUrl. */
  url: string;
  /** Every frame a client sent, subscribe and ping included, in arrival order. */
  frames: RecordedFrame[];
  /** Connections currently open and authenticated. */
  connections(): number;
  /** Resolves once `n` subscriptions (default 1) have succeeded since the stand-in started. */
  waitForSubscribe(n?: number, timeoutMs?: number): Promise<void>;
  /** Pushes `aibot_msg_callback` to the latest authenticated connection; returns the req_id used. */
  deliverMessage(body: object): string;
  /** Pushes `aibot_event_callback` to the latest authenticated connection; returns the req_id used. */
  deliverEvent(body: object): string;
  /** The first frame (already recorded or still to come) with this cmd and, if given, this req_id. */
  waitForFrame<Body = any>(cmd: string, reqId?: string, timeoutMs?: number): Promise<RecordedFrame<Body>>;
  /** WeCom's rule of one live connection per bot: a new subscription sends `disconnected_event` to the
   *  older connections and closes them. Default true. */
  kickOldConnections: boolean;
  /** Answer `ping` frames (default true). Set false to make the SDK declare the connection dead. */
  answerHeartbeats: boolean;
  /** Terminates every connection without a close handshake (the client sees 1006 and reconnects). */
  dropAll(): void;
  /** Answers every subscribe with this errcode (null: back to checking bot_id and secret). */
  rejectSubscribe(errcode: number | null): void;
  /** Acks frames of this cmd with this errcode (e.g. 45009, over quota) instead of 0; null restores 0. */
  failAcks(cmd: string, errcode: number | null): void;
  close(): Promise<void>;
}

/** Commands whose ack carries only errcode/errmsg. */
const PLAIN_ACK_CMDS = new Set([
  'aibot_respond_msg',
  'aibot_respond_welcome_msg',
  'aibot_respond_update_msg',
  'aibot_send_msg',
  'aibot_upload_media_chunk',
]);

// Subscribe errcodes. WeCom's own CLI reports 93019 "invalid bot_id" and 853000 "signature is incorrect, please
// check if the bot secret is correct" when validating bot credentials (WecomTeam/wecom-cli #15, #24); the codes
// the long connection itself returns are unverified. The SDK treats any non-zero errcode as an auth failure.
export const ERRCODE_INVALID_BOT_ID = 93019;
export const ERRCODE_WRONG_SECRET = 853000;
/** Invented for the stand-in: a frame other than subscribe before the connection has authenticated. */
export const ERRCODE_NOT_SUBSCRIBED = 40058;

const DEFAULT_TIMEOUT_MS = 3000;

interface Connection {
  id: number;
  socket: WsSocket;
  isAuthenticated: boolean;
}

interface Waiter {
  isSatisfied(): boolean;
  resolve(): void;
  reject(error: Error): void;
}

export async function startWecomWsStandIn(options: { botId: string; secret: string }): Promise<WsStandIn> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.on('error', () => undefined); // after listening, errors surface on the sockets themselves
  const address = server.address() as AddressInfo;

  const frames: RecordedFrame[] = [];
  const open = new Map<number, Connection>();
  const waiters = new Set<Waiter>();
  let acceptedCount = 0;
  let subscriptionCount = 0;
  let subscribeErrcode: number | null = null;
  const ackErrcodes = new Map<string, number>();
  let isClosed = false;

  const send = (connection: Connection, frame: object): void => {
    if (connection.socket.readyState === WS_OPEN) connection.socket.send(JSON.stringify(frame));
  };
  const answer = (connection: Connection, reqId: string, errcode: number, errmsg: string, body?: object): void =>
    send(connection, { headers: { req_id: reqId }, errcode, errmsg, ...(body === undefined ? {} : { body }) });

  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (waiter.isSatisfied()) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };

  /** Waits until `isSatisfied` holds, re-checked after every recorded frame and subscription. */
  const waitUntil = (isSatisfied: () => boolean, timeoutMs: number, describeWait: () => string): Promise<void> => {
    if (isSatisfied()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`wecom ws stand-in: ${describeWait()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        isSatisfied,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      waiters.add(waiter);
    });
  };

  const latestAuthenticated = (): Connection | undefined =>
    [...open.values()].filter((connection) => connection.isAuthenticated).at(-1);

  const kickOthers = (newcomer: Connection): void => {
    for (const connection of open.values()) {
      if (connection === newcomer || !connection.isAuthenticated) continue;
      connection.isAuthenticated = false;
      send(connection, {
        cmd: 'aibot_event_callback',
        headers: { req_id: randomUUID() },
        body: {
          msgid: randomUUID(),
          create_time: Math.floor(Date.now() / 1000),
          aibotid: options.botId,
          msgtype: 'event',
          event: { eventtype: 'disconnected_event' },
        },
      });
      connection.socket.close(1000, 'new connection subscribed');
    }
  };

  const handleSubscribe = (connection: Connection, reqId: string, body: { bot_id?: unknown; secret?: unknown }): void => {
    const errcode =
      subscribeErrcode ??
      (body?.bot_id !== options.botId ? ERRCODE_INVALID_BOT_ID : body?.secret !== options.secret ? ERRCODE_WRONG_SECRET : 0);
    if (errcode !== 0) {
      answer(connection, reqId, errcode, errcode === ERRCODE_INVALID_BOT_ID ? 'invalid bot_id' : 'signature is incorrect, please check if the bot secret is correct');
      return;
    }
    connection.isAuthenticated = true;
    answer(connection, reqId, 0, 'ok');
    subscriptionCount += 1;
    if (standIn.kickOldConnections) kickOthers(connection);
  };

  const handleFrame = (connection: Connection, frame: RecordedFrame): void => {
    const { cmd, reqId } = frame;
    if (cmd === 'aibot_subscribe') return handleSubscribe(connection, reqId, frame.body);
    if (!connection.isAuthenticated) return answer(connection, reqId, ERRCODE_NOT_SUBSCRIBED, 'not subscribed');
    if (cmd === 'ping') {
      if (standIn.answerHeartbeats) answer(connection, reqId, 0, 'ok');
      return;
    }
    const failure = ackErrcodes.get(cmd);
    if (failure !== undefined) return answer(connection, reqId, failure, `stand-in failure for ${cmd}`);
    if (PLAIN_ACK_CMDS.has(cmd)) return answer(connection, reqId, 0, 'ok');
    if (cmd === 'aibot_upload_media_init') return answer(connection, reqId, 0, 'ok', { upload_id: `upload-${randomUUID()}` });
    if (cmd === 'aibot_upload_media_finish') {
      const type = typeof frame.body?.type === 'string' ? frame.body.type : 'file';
      return answer(connection, reqId, 0, 'ok', { type, media_id: `media-${randomUUID()}`, created_at: String(Math.floor(Date.now() / 1000)) });
    }
    answer(connection, reqId, ERRCODE_NOT_SUBSCRIBED, `unknown cmd ${cmd}`);
  };

  server.on('connection', (socket) => {
    acceptedCount += 1;
    const connection: Connection = { id: acceptedCount, socket, isAuthenticated: false };
    open.set(connection.id, connection);
    socket.on('error', () => undefined); // a client that vanishes mid-frame is normal here
    socket.on('close', () => {
      open.delete(connection.id);
      settleWaiters();
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: { cmd?: unknown; headers?: { req_id?: unknown }; body?: unknown };
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return; // the SDK never sends anything but JSON text
      }
      const frame: RecordedFrame = {
        cmd: typeof parsed.cmd === 'string' ? parsed.cmd : '',
        reqId: typeof parsed.headers?.req_id === 'string' ? parsed.headers.req_id : '',
        body: parsed.body,
        at: Date.now(),
        connection: connection.id,
      };
      frames.push(frame);
      handleFrame(connection, frame);
      settleWaiters();
    });
  });

  const deliver = (cmd: 'aibot_msg_callback' | 'aibot_event_callback', body: object): string => {
    const connection = latestAuthenticated();
    if (!connection) throw new Error(`wecom ws stand-in: no subscribed connection to deliver ${cmd} to`);
    // WeCom's req_id format is not documented; it only has to be unique and must not start with the SDK's
    // own prefixes (aibot_subscribe, ping), which the SDK routes before looking at pending acks.
    const reqId = `cb_${randomUUID()}`;
    send(connection, { cmd, headers: { req_id: reqId }, body });
    return reqId;
  };

  const standIn: WsStandIn = {
    url: `ws://127.0.0.1:${address.port}`,
    frames,
    kickOldConnections: true,
    answerHeartbeats: true,
    connections: () => [...open.values()].filter((connection) => connection.isAuthenticated).length,
    waitForSubscribe: (n = 1, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      waitUntil(() => subscriptionCount >= n, timeoutMs, () => `subscription #${n} did not happen (${subscriptionCount} so far)`),
    deliverMessage: (body) => deliver('aibot_msg_callback', body),
    deliverEvent: (body) => deliver('aibot_event_callback', body),
    waitForFrame: async <Body = any>(cmd: string, reqId?: string, timeoutMs = DEFAULT_TIMEOUT_MS) => {
      const find = () => frames.find((frame) => frame.cmd === cmd && (reqId === undefined || frame.reqId === reqId));
      await waitUntil(
        () => find() !== undefined,
        timeoutMs,
        () => `no ${cmd} frame${reqId ? ` with req_id ${reqId}` : ''} arrived (seen: ${frames.map((f) => f.cmd).join(', ') || 'none'})`,
      );
      return find() as RecordedFrame<Body>;
    },
    dropAll: () => {
      for (const connection of open.values()) connection.socket.terminate();
    },
    rejectSubscribe: (errcode) => {
      subscribeErrcode = errcode;
    },
    failAcks: (cmd, errcode) => {
      if (errcode === null) ackErrcodes.delete(cmd);
      else ackErrcodes.set(cmd, errcode);
    },
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      for (const waiter of waiters) waiter.reject(new Error('wecom ws stand-in: closed while a test was still waiting'));
      waiters.clear();
      for (const connection of open.values()) connection.socket.terminate();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standIn;
}
