// Stand-in for DingTalk's Stream gateway: one real HTTP server on 127.0.0.1 answering
// `POST /v1.0/gateway/connections/open` and upgrading `/connect?ticket=` to a WebSocket, speaking the frames
// the official SDKs speak (platforms.md §6d, §10). It records every open request and every frame a client
// sends, pushes CALLBACK frames when a test asks, re-pushes what was not acked (as DingTalk does after ~60 s),
// and can go silent, ask the client to reconnect, or drop the socket.
//
// Shapes, and where they come from:
// - open request `{clientId, clientSecret, ua, subscriptions: [{type, topic}]}` with `Accept: application/json`,
//   answer `{endpoint, ticket}` (dingtalk-stream 2.1.5 dist/client.cjs getEndpoint; the Go and Python SDKs agree);
//   the error answers for bad credentials or subscriptions are invented here (the real codes were not found);
// - frames `{specVersion: '1.0', type, headers: {contentType, messageId, time, topic}, data: <JSON string>}`;
//   SYSTEM topics CONNECTED, REGISTERED, KEEPALIVE, ping and disconnect (the topics dist/client.cjs onSystem
//   switches on; `ping` and `disconnect` are the two the Go SDK registers; the `disconnect` data
//   `{"reason": "persistent connection is timeout"}` is as logged from the real server in
//   open-dingtalk/dingtalk-stream-sdk-python #22); the ping's `opaque` data is a guess, the SDK echoes any data;
// - a client's answer `{code, headers: {…, messageId}, message, data}`: an ack of a CALLBACK, or the echo of a ping.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** The few parts of the `ws` package used here; the repository has no @types/ws, so they are declared locally. */
interface WsSocket {
  readonly readyState: number;
  send(data: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}
interface WsServer {
  handleUpgrade(request: http.IncomingMessage, socket: Socket, head: Buffer, callback: (socket: WsSocket) => void): void;
  close(callback?: (error?: Error) => void): void;
}
interface WsModule {
  WebSocketServer: new (options: { noServer: true; clientTracking?: boolean }) => WsServer;
}
const { WebSocketServer } = require('ws') as WsModule;
const WS_OPEN = 1;

export const STAND_IN_TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const STAND_IN_TOPIC_CARD = '/v1.0/card/instances/callback';
const OPEN_PATH = '/v1.0/gateway/connections/open';
const DEFAULT_TIMEOUT_MS = 3000;

export interface StreamStandInOptions {
  clientId: string;
  clientSecret: string;
  /** Topics the open request must subscribe as CALLBACK, or the gateway refuses it (default robot and card). */
  requiredTopics?: string[];
  /** SYSTEM KEEPALIVE frames to every live socket this often (default 1000 ms; null: none). */
  keepaliveEveryMs?: number | null;
  /** SYSTEM ping frames, which the client echoes, this often (default 2000 ms; null: none). */
  pingEveryMs?: number | null;
  /** Re-push a CALLBACK not acked after this long (DingTalk: about 60 s; default null: never). */
  repushAfterMs?: number | null;
  /** At most this many re-pushes of one message (default 5). */
  maxRepushes?: number;
}

export interface RecordedOpen {
  body: any;
  accept: string | undefined;
  status: number;
  at: number;
}

/** A frame a client sent. `connection` numbers the sockets the stand-in accepted, from 1. */
export interface ClientFrame {
  code: unknown;
  headers: Record<string, unknown>;
  message: unknown;
  data: unknown;
  at: number;
  connection: number;
}

export interface Delivery {
  messageId: string;
  topic: string;
  connection: number;
  /** 0 for the first push, then 1, 2… for re-pushes. */
  repush: number;
  at: number;
}

export interface StreamStandIn {
  /** http://127.0.0.1:<port>/v1.0/gateway/connections/open, to pass as the gateway URL. */
  gatewayUrl: string;
  /** Every open request, answered or refused. */
  opens: RecordedOpen[];
  /** Every frame clients sent: acks of pushes and echoes of pings. */
  clientFrames: ClientFrame[];
  /** Every CALLBACK frame sent, first pushes and re-pushes. */
  deliveries: Delivery[];
  /** Sockets accepted so far. */
  accepted(): number;
  /** Sockets open now. */
  openSockets(): number;
  /** The most sockets that were ever open at once. */
  peakOpenSockets(): number;
  /** Resolves once `n` sockets have been accepted since the stand-in started. */
  waitForConnection(n?: number, timeoutMs?: number): Promise<void>;
  /** Pushes a robot message (TOPIC_ROBOT) to the newest live socket; returns its messageId. */
  pushRobot(payload: object): string;
  /** Pushes a card callback (TOPIC_CARD) to the newest live socket; returns its messageId. */
  pushCard(payload: object): string;
  /** The client frames acking this message (code 200 and its messageId). */
  acksFor(messageId: string): ClientFrame[];
  waitForAck(messageId: string, timeoutMs?: number): Promise<ClientFrame>;
  /** The sockets open now get nothing more (no SYSTEM frames, no pushes) but stay open: a zombie connection. */
  goSilent(): void;
  /** Sends SYSTEM `disconnect` to the live sockets and delivers nothing more to them; they stay open. */
  sendDisconnect(reason?: string): void;
  /** Terminates every socket without a close handshake (the client sees 1006). */
  dropAll(): void;
  /** Refuses every open request with this HTTP status (null: back to checking credentials). */
  refuseOpens(status: number | null): void;
  close(): Promise<void>;
}

interface Connection {
  id: number;
  socket: WsSocket;
  topics: Set<string>;
  isLive: boolean;
}

interface Pushed {
  messageId: string;
  topic: string;
  data: string;
  isAcked: boolean;
  repushes: number;
  timer?: NodeJS.Timeout;
}

interface Waiter {
  isSatisfied(): boolean;
  resolve(): void;
  reject(error: Error): void;
}

export async function startDingtalkStreamStandIn(options: StreamStandInOptions): Promise<StreamStandIn> {
  const requiredTopics = options.requiredTopics ?? [STAND_IN_TOPIC_ROBOT, STAND_IN_TOPIC_CARD];
  const keepaliveEveryMs = options.keepaliveEveryMs === undefined ? 1000 : options.keepaliveEveryMs;
  const pingEveryMs = options.pingEveryMs === undefined ? 2000 : options.pingEveryMs;
  const repushAfterMs = options.repushAfterMs ?? null;
  const maxRepushes = options.maxRepushes ?? 5;

  const opens: RecordedOpen[] = [];
  const clientFrames: ClientFrame[] = [];
  const deliveries: Delivery[] = [];
  const tickets = new Map<string, Set<string>>(); // unused ticket → the topics it subscribed
  const open = new Map<number, Connection>();
  const pushed = new Map<string, Pushed>();
  const waiters = new Set<Waiter>();
  const timers = new Set<NodeJS.Timeout>();
  let acceptedCount = 0;
  let peakOpen = 0;
  let refusal: number | null = null;
  let isClosed = false;

  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (waiter.isSatisfied()) {
        waiters.delete(waiter);
        waiter.resolve();
      }
    }
  };
  const waitUntil = (isSatisfied: () => boolean, timeoutMs: number, describeWait: () => string): Promise<void> => {
    if (isSatisfied()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`dingtalk stream stand-in: ${describeWait()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        isSatisfied,
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      waiters.add(waiter);
    });
  };

  const frame = (type: 'SYSTEM' | 'CALLBACK', topic: string, data: string, messageId = randomUUID().replace(/-/g, '')) => ({
    specVersion: '1.0',
    type,
    headers: { contentType: 'application/json', messageId, time: String(Date.now()), topic },
    data,
  });
  const send = (connection: Connection, body: object): void => {
    if (connection.socket.readyState === WS_OPEN) connection.socket.send(JSON.stringify(body));
  };
  const system = (topic: string, data: object) => {
    for (const connection of open.values()) if (connection.isLive) send(connection, frame('SYSTEM', topic, JSON.stringify(data)));
  };
  const every = (ms: number | null, fn: () => void) => {
    if (ms === null) return;
    const timer = setInterval(fn, ms);
    timers.add(timer);
  };
  every(keepaliveEveryMs, () => system('KEEPALIVE', {}));
  every(pingEveryMs, () => system('ping', { opaque: randomUUID() }));

  const newestLive = (topic: string): Connection | undefined =>
    [...open.values()].filter((connection) => connection.isLive && connection.topics.has(topic)).at(-1);

  const deliver = (message: Pushed): boolean => {
    const connection = newestLive(message.topic);
    if (!connection) return false;
    send(connection, frame('CALLBACK', message.topic, message.data, message.messageId));
    deliveries.push({ messageId: message.messageId, topic: message.topic, connection: connection.id, repush: message.repushes, at: Date.now() });
    return true;
  };
  const scheduleRepush = (message: Pushed): void => {
    if (repushAfterMs === null || isClosed) return;
    message.timer = setTimeout(() => {
      if (message.isAcked || isClosed || message.repushes >= maxRepushes) return;
      message.repushes += 1;
      if (!deliver(message)) message.repushes -= 1; // nobody to push to yet: try again later
      scheduleRepush(message);
    }, repushAfterMs);
  };
  const push = (topic: string, payload: object): string => {
    const message: Pushed = { messageId: randomUUID().replace(/-/g, ''), topic, data: JSON.stringify(payload), isAcked: false, repushes: 0 };
    if (!newestLive(topic)) throw new Error(`dingtalk stream stand-in: no live socket subscribed to ${topic}`);
    pushed.set(message.messageId, message);
    deliver(message);
    scheduleRepush(message);
    return message.messageId;
  };

  const answerJson = (response: http.ServerResponse, status: number, body: object): void => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const server = http.createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== OPEN_PATH) return answerJson(response, 404, { code: 'notFound', message: `${request.method} ${request.url}` });
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = null;
      }
      const record = (status: number) => opens.push({ body, accept: request.headers.accept, status, at: Date.now() });
      if (refusal !== null) {
        record(refusal);
        return answerJson(response, refusal, { code: 'standInRefusal', message: `refused with ${refusal}` });
      }
      if (body?.clientId !== options.clientId || body?.clientSecret !== options.clientSecret) {
        record(401);
        return answerJson(response, 401, { code: 'invalidClient', message: 'clientId or clientSecret is wrong' });
      }
      const subscribed = new Set<string>(
        Array.isArray(body.subscriptions) ? body.subscriptions.filter((s: any) => s?.type === 'CALLBACK').map((s: any) => String(s.topic)) : [],
      );
      const missing = requiredTopics.filter((topic) => !subscribed.has(topic));
      if (missing.length) {
        record(400);
        return answerJson(response, 400, { code: 'invalidSubscriptions', message: `not subscribed: ${missing.join(', ')}` });
      }
      const ticket = randomUUID();
      tickets.set(ticket, subscribed);
      record(200);
      const { port } = server.address() as AddressInfo;
      answerJson(response, 200, { endpoint: `ws://127.0.0.1:${port}/connect`, ticket });
    });
  });

  const wss = new WebSocketServer({ noServer: true, clientTracking: false });
  server.on('upgrade', (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const topics = tickets.get(ticket);
    if (url.pathname !== '/connect' || !topics) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    tickets.delete(ticket); // a ticket opens one socket
    wss.handleUpgrade(request, socket, head, (ws) => {
      acceptedCount += 1;
      const connection: Connection = { id: acceptedCount, socket: ws, topics, isLive: true };
      open.set(connection.id, connection);
      peakOpen = Math.max(peakOpen, open.size);
      ws.on('error', () => undefined); // a client that vanishes mid-frame is normal here
      ws.on('close', () => {
        open.delete(connection.id);
        settleWaiters();
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let parsed: any;
        try {
          parsed = JSON.parse(String(data));
        } catch {
          return;
        }
        const recorded: ClientFrame = {
          code: parsed?.code,
          headers: typeof parsed?.headers === 'object' && parsed.headers ? parsed.headers : {},
          message: parsed?.message,
          data: parsed?.data,
          at: Date.now(),
          connection: connection.id,
        };
        clientFrames.push(recorded);
        const message = pushed.get(String(recorded.headers.messageId));
        if (message && recorded.code === 200) {
          message.isAcked = true;
          clearTimeout(message.timer);
        }
        settleWaiters();
      });
      send(connection, frame('SYSTEM', 'CONNECTED', JSON.stringify({})));
      send(connection, frame('SYSTEM', 'REGISTERED', JSON.stringify({})));
      settleWaiters();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const acksFor = (messageId: string) => clientFrames.filter((f) => f.headers.messageId === messageId && f.code === 200 && pushed.has(messageId));

  return {
    gatewayUrl: `http://127.0.0.1:${port}${OPEN_PATH}`,
    opens,
    clientFrames,
    deliveries,
    accepted: () => acceptedCount,
    openSockets: () => open.size,
    peakOpenSockets: () => peakOpen,
    waitForConnection: (n = 1, timeoutMs = DEFAULT_TIMEOUT_MS) =>
      waitUntil(() => acceptedCount >= n, timeoutMs, () => `socket #${n} was not accepted (${acceptedCount} so far)`),
    pushRobot: (payload) => push(STAND_IN_TOPIC_ROBOT, payload),
    pushCard: (payload) => push(STAND_IN_TOPIC_CARD, payload),
    acksFor,
    waitForAck: async (messageId, timeoutMs = DEFAULT_TIMEOUT_MS) => {
      await waitUntil(() => acksFor(messageId).length > 0, timeoutMs, () => `no ack for ${messageId} arrived`);
      return acksFor(messageId)[0];
    },
    goSilent: () => {
      for (const connection of open.values()) connection.isLive = false;
    },
    sendDisconnect: (reason = 'persistent connection is timeout') => {
      system('disconnect', { reason });
      for (const connection of open.values()) connection.isLive = false;
    },
    dropAll: () => {
      for (const connection of open.values()) connection.socket.terminate();
    },
    refuseOpens: (status) => {
      refusal = status;
    },
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      for (const timer of timers) clearInterval(timer);
      for (const message of pushed.values()) clearTimeout(message.timer);
      for (const waiter of waiters) waiter.reject(new Error('dingtalk stream stand-in: closed while a test was still waiting'));
      waiters.clear();
      for (const connection of open.values()) connection.socket.terminate();
      open.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
