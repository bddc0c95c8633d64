// DingTalk's enterprise robot in Stream mode (npm dingtalk-stream 2.1.5): the bot opens the WebSocket itself, so
// it needs no public URL. One consumer per robot: the process holding the lock connects, the others stand by and
// take over when the holder's lock lapses. The SDK frames, parses and acks; this module owns the connection's life,
// because the SDK's own reconnects are unsafe (platforms.md §10, see `StreamClient` below).
import { DWClient, GATEWAY_URL, TOPIC_CARD, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Logger } from 'pino';
import type { PlatformConnection } from '../platformAdapter';
import type { ConnectionLock } from '../wecom/connectionLock';

/** DingTalk's own gateway, the default for DINGTALK_STREAM_GATEWAY. */
export const DINGTALK_STREAM_GATEWAY_DEFAULT = GATEWAY_URL;

/** The Redis key of a robot's connection lock, next to the queue's keys (as the WeCom bot's `<prefix>:wecom:ws:<botId>`). */
export function dingtalkStreamLockKey(prefix: string, clientId: string): string {
  return `${prefix}:dingtalk:stream:${clientId}`;
}

export type StreamState = 'stopped' | 'standby' | 'connecting' | 'connected';

/** What the adapter does with a push. Both must be idempotent on the message: DingTalk re-sends what was not acked. */
export interface StreamHandlers {
  /** Stores a robot message (TOPIC_ROBOT, fields as platforms.md §6a); resolves once it is stored. */
  robotMessage(raw: unknown, messageId: string): Promise<void>;
  /** Applies a card button click (TOPIC_CARD, platforms.md §6c); what it resolves to is DingTalk's answer. */
  cardCallback(raw: unknown, messageId: string): Promise<{ cardData?: unknown } | void>;
}

export interface StreamConnectionOptions {
  /** The app's AppKey. */
  clientId: string;
  /** The app's AppSecret. */
  clientSecret: string;
  /** Where `POST …/v1.0/gateway/connections/open` is sent (DINGTALK_STREAM_GATEWAY; a stand-in in tests). */
  gatewayUrl: string;
  lock: ConnectionLock;
  log: Logger;
  handlers: StreamHandlers;
  /** Stamps `since` and `lastFrameAt`; timers run on real time whatever the clock says. */
  clock?: () => Date;
  /** No frame at all for this long (DingTalk's KEEPALIVE and ping frames included): the connection is dead. */
  livenessMs?: number;
  /** How often a standby tries for the lock, and the holder renews it (a third of the lock's TTL). */
  lockEveryMs?: number;
  /** Reconnect delays: firstMs, doubling per failed attempt, up to maxMs. */
  backoff?: { firstMs: number; maxMs: number };
  /** On stop, how long handlers still running may take to finish and be acked before the socket closes
   *  (the lock is no longer renewed meanwhile: keep this below its TTL). */
  drainMs?: number;
  /** Runs once the connection has stopped (closes what the lock used). */
  afterStop?: () => void;
}

// DingTalk sends a KEEPALIVE or ping frame every 20-30 s [S: soimy/openclaw-channel-dingtalk #308]; three missed.
const DEFAULT_LIVENESS_MS = 90_000;
const DEFAULT_LOCK_EVERY_MS = 10_000;
const DEFAULT_BACKOFF = { firstMs: 1000, maxMs: 30_000 };
const DEFAULT_DRAIN_MS = 5000;
const GATEWAY_TIMEOUT_MS = 10_000;
const WS_OPEN = 1;
const WS_CLOSED = 3;
const CLOSE_HANDSHAKE_MS = 1000;
const USER_AGENT = 'grid-governance-bot (dingtalk-stream/2.1.5)';

/** The part of the `ws` socket used here. */
interface SocketLike {
  readonly readyState: number;
  terminate(): void;
  once(event: 'close', listener: (code: number) => void): unknown;
}

/** Two SDK fields reached past the typings: private in dist/client.d.ts, plain fields in dist/client.cjs. */
interface SdkInternals {
  dw_url?: string;
  socket?: SocketLike;
}

interface LinkHooks {
  frame(): void;
  unreadableFrame(error: unknown): void;
  serverDisconnect(data: string): void;
}

/**
 * The SDK's DWClient, used for one socket only and pointed at a configurable gateway. What it changes and why:
 * - `getEndpoint` posts to `gatewayUrl`: the SDK reads its `GATEWAY_URL` constant inside `getEndpoint` and has no
 *   option for it; the request is the SDK's own (same body, `Accept: application/json`), plus a timeout and abort.
 * - `autoReconnect` off: the SDK reconnects every 1 s with no backoff, leaks the old socket and its heartbeat
 *   interval on each reconnect, and a `disconnect()` cannot cancel a reconnect already queued
 *   (open-dingtalk/dingtalk-stream-sdk-nodejs #13, #18). A dead link is dropped whole and a new client made.
 * - subscriptions exactly the two callbacks: the SDK's default list (EVENT `*`) is one array shared by every
 *   client, and `registerCallbackListener` pushes into it.
 * - every frame is reported (the liveness check), and a frame the SDK cannot parse is logged instead of throwing
 *   out of the socket's message listener.
 * - the server's SYSTEM `disconnect` is reported: the SDK only flips flags, and DingTalk stops delivering to the
 *   connection while leaving the socket open for a while [S: soimy #308].
 */
class StreamClient extends DWClient {
  constructor(
    credentials: { clientId: string; clientSecret: string },
    private readonly gatewayUrl: string,
    private readonly signal: AbortSignal,
    private readonly hooks: LinkHooks,
  ) {
    super({ ...credentials, keepAlive: true, ua: USER_AGENT });
    this.config.autoReconnect = false;
    this.config.subscriptions = [];
  }

  override async getEndpoint(): Promise<this> {
    const { clientId, clientSecret, ua, subscriptions } = this.config;
    const response = await fetch(this.gatewayUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ clientId, clientSecret, ua, subscriptions }),
      signal: AbortSignal.any([this.signal, AbortSignal.timeout(GATEWAY_TIMEOUT_MS)]),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`gateway answered ${response.status}: ${text.slice(0, 200)}`);
    let answer: { endpoint?: unknown; ticket?: unknown } | null;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new Error(`gateway answer is not JSON: ${text.slice(0, 200)}`);
    }
    if (typeof answer?.endpoint !== 'string' || typeof answer.ticket !== 'string') throw new Error('gateway answer has no endpoint or ticket');
    const url = new URL(answer.endpoint);
    url.searchParams.set('ticket', answer.ticket);
    (this as unknown as SdkInternals).dw_url = url.toString();
    return this;
  }

  override onDownStream(data: string): void {
    this.hooks.frame();
    try {
      super.onDownStream(data);
    } catch (error) {
      this.hooks.unreadableFrame(error);
    }
  }

  override onSystem(downstream: DWClientDownStream): void {
    super.onSystem(downstream);
    if (downstream.headers.topic === 'disconnect') this.hooks.serverDisconnect(downstream.data);
  }

  get webSocket(): SocketLike | undefined {
    return (this as unknown as SdkInternals).socket;
  }
}

/** One attempt at a socket: made, used, and dropped whole. */
interface Link {
  client: StreamClient;
  abort: AbortController;
  /** Fires after livenessMs without a frame (or without a connection, while connecting). */
  watchdog: NodeJS.Timeout;
  /** Real time (Date.now) the socket opened. */
  connectedAt?: number;
}

export class DingtalkStreamConnection implements PlatformConnection {
  private state: StreamState = 'stopped';
  private since: Date;
  private detail: string | undefined;
  private lastFrameAt: Date | null = null;
  private reconnects = 0;
  private link: Link | null = null;
  private isRunning = false;
  private isHolding = false;
  private isDraining = false;
  /** Failed attempts in a row, for the backoff, and why the last one failed (for /healthz). */
  private failures = 0;
  private lastFailure: string | undefined;
  private campaignTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private campaigning: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly clock: () => Date;
  private readonly livenessMs: number;

  constructor(private readonly options: StreamConnectionOptions) {
    if (!options.clientId || !options.clientSecret) throw new Error('DingTalk stream connection: clientId and clientSecret are required');
    this.clock = options.clock ?? (() => new Date());
    this.since = this.clock();
    this.livenessMs = options.livenessMs ?? DEFAULT_LIVENESS_MS;
  }

  describe(): Record<string, unknown> {
    return {
      mode: 'stream',
      state: this.state,
      since: this.since.toISOString(),
      lastFrameAt: this.lastFrameAt?.toISOString() ?? null,
      reconnects: this.reconnects,
      process: this.options.lock.id,
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }

  async start(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    this.campaigning = this.campaign();
    await this.campaigning;
  }

  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.isRunning = false;
    if (this.campaignTimer) clearTimeout(this.campaignTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.campaigning; // a lock call in progress settles first, so that the release below comes after it
    // Handlers already running may still be acked on this socket; pushes arriving meanwhile are left unacked
    // and come back to whichever process holds the connection next.
    this.isDraining = true;
    await this.drain();
    this.isDraining = false;
    await this.dropLink({ isGraceful: true });
    this.setState('stopped');
    this.isHolding = false;
    await this.options.lock.release().catch((error: unknown) => this.options.log.warn({ err: error }, 'DingTalk stream lock not released; it lapses'));
    this.options.afterStop?.();
  }

  /** Try for the lock; hold it and stay connected while we can; stand by otherwise. */
  private async campaign(): Promise<void> {
    const { lock, log } = this.options;
    try {
      const isHeld = this.isHolding ? await lock.renew() : await lock.acquire();
      if (!this.isRunning) return;
      if (!isHeld && this.isHolding) {
        log.warn({ holder: await lock.holder() }, 'DingTalk stream lock lost; disconnecting');
        void this.dropLink();
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      this.isHolding = isHeld;
      if (isHeld && !this.link && !this.retryTimer) this.open();
      if (!isHeld) this.setState('standby', `held by ${(await lock.holder()) ?? 'nobody yet'}`);
    } catch (error) {
      log.warn({ err: error }, 'DingTalk stream lock unreachable; trying again');
    } finally {
      if (this.isRunning) {
        this.campaignTimer = setTimeout(() => {
          this.campaigning = this.campaign();
        }, this.options.lockEveryMs ?? DEFAULT_LOCK_EVERY_MS);
      }
    }
  }

  private open(): void {
    const { clientId, clientSecret, gatewayUrl, log } = this.options;
    const abort = new AbortController();
    // The hooks and listeners name `link`, declared below: they run only from the socket, opened in establish().
    const client = new StreamClient({ clientId, clientSecret }, gatewayUrl, abort.signal, {
      frame: () => this.noteFrame(link),
      unreadableFrame: (error) => log.warn({ err: error }, 'DingTalk stream frame not readable; ignored'),
      serverDisconnect: (data) => this.fail(link, `DingTalk asked to reconnect (${data})`, { isPlanned: true }),
    });
    client.registerCallbackListener(TOPIC_ROBOT, (message) => this.take(link, 'robotMessage', message));
    client.registerCallbackListener(TOPIC_CARD, (message) => this.take(link, 'cardCallback', message));
    const watchdog = setTimeout(() => {
      this.fail(link, link.connectedAt === undefined ? `not connected within ${this.livenessMs} ms` : `no frame for ${this.livenessMs} ms`);
    }, this.livenessMs);
    const link: Link = { client, abort, watchdog };
    this.link = link;
    this.setState('connecting', this.lastFailure ? `reconnecting after: ${this.lastFailure}` : undefined);
    void this.establish(link);
  }

  private async establish(link: Link): Promise<void> {
    try {
      await link.client.getEndpoint();
      if (this.link !== link) return;
      // The SDK's connect() is these two steps, but it swallows their errors (retrying only through the 1 s loop
      // turned off above); called directly, a failure is seen here and backed off.
      await link.client._connect();
    } catch (error) {
      this.fail(link, `connect failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (this.link !== link) return; // dropped meanwhile: dropLink() already terminated the socket
    link.connectedAt = Date.now();
    link.watchdog.refresh();
    link.client.webSocket?.once('close', (code) => this.fail(link, `socket closed (${code})`));
    this.lastFailure = undefined;
    this.setState('connected');
  }

  /** A link is dead: drop it whole and, while we hold the lock, open a new one after the backoff. */
  private fail(link: Link, reason: string, { isPlanned = false } = {}): void {
    if (this.link !== link) return;
    const { log } = this.options;
    const { firstMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const wasHealthy = link.connectedAt !== undefined && Date.now() - link.connectedAt >= this.livenessMs;
    void this.dropLink();
    if (!this.isRunning || !this.isHolding) return;
    if (wasHealthy) this.failures = 0;
    // A planned reconnect (DingTalk's `disconnect`) after a good run goes at once: DingTalk has already stopped
    // delivering to the old socket. Repeated failures back off.
    const delayMs = isPlanned && this.failures === 0 ? 0 : Math.min(maxMs, firstMs * 2 ** this.failures);
    this.failures += 1;
    this.reconnects += 1;
    this.lastFailure = reason;
    log.warn({ reason, delayMs, reconnects: this.reconnects }, 'DingTalk stream connection lost; reconnecting');
    this.setState('connecting', `${reason}; reconnecting in ${delayMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.isRunning && this.isHolding && !this.link) this.open();
    }, delayMs);
  }

  /**
   * Never more than one live socket: a dead link's socket is terminated (no close handshake a dead server would
   * never answer) before a new one is made. On stop the close handshake is given a moment, so that acks just
   * sent are flushed ahead of the close frame.
   */
  private async dropLink({ isGraceful = false } = {}): Promise<void> {
    const link = this.link;
    this.link = null;
    if (!link) return;
    clearTimeout(link.watchdog);
    link.abort.abort();
    link.client.removeAllListeners();
    link.client.disconnect(); // clears the SDK's heartbeat interval, marks the close as ours, starts the handshake
    const socket = link.client.webSocket;
    if (socket && isGraceful && socket.readyState !== WS_CLOSED) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_HANDSHAKE_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    socket?.terminate();
  }

  private noteFrame(link: Link): void {
    if (this.link !== link) return;
    this.lastFrameAt = this.clock();
    link.watchdog.refresh();
  }

  /**
   * A push: parse, hand to the handler, and ack only once the handler has resolved. A push that is not acked is
   * re-sent by DingTalk in about 60 s (the SDK's doc comment on socketCallBackResponse), so a handler that throws
   * (the database is down) simply leaves it unacked and gets it again; the handlers dedupe on the message's msgId.
   */
  private take(link: Link, handler: keyof StreamHandlers, message: DWClientDownStream): void {
    const { log, handlers } = this.options;
    const messageId = message.headers?.messageId;
    const topic = message.headers?.topic;
    if (!messageId) {
      log.warn({ topic }, 'DingTalk stream push without a messageId; ignored');
      return;
    }
    if (this.link !== link || this.isDraining) {
      log.info({ messageId, topic }, 'DingTalk stream push arrived while stopping; left unacked for the next holder');
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(message.data);
    } catch (error) {
      // It would come back unreadable every time: ack it, and say so loudly.
      log.error({ err: error, messageId, topic }, 'DingTalk stream push data is not JSON; acked and dropped');
      this.ack(link, messageId, {});
      return;
    }
    const work = (async () => {
      try {
        if (handler === 'robotMessage') {
          await handlers.robotMessage(raw, messageId);
          this.ack(link, messageId, {});
        } else {
          this.ack(link, messageId, (await handlers.cardCallback(raw, messageId)) ?? {});
        }
      } catch (error) {
        log.warn({ err: error, messageId, topic }, 'DingTalk stream push not handled; left unacked, DingTalk re-sends it');
      }
    })();
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** The SDK's ack: `{code: 200, headers: {contentType, messageId}, message: 'OK', data: JSON.stringify({response})}`. */
  private ack(link: Link, messageId: string, response: unknown): void {
    const { log } = this.options;
    if (this.link !== link || link.client.webSocket?.readyState !== WS_OPEN) {
      // Handled, but the socket it came on is gone: DingTalk re-sends it, and the handler's dedupe absorbs that.
      log.info({ messageId }, 'DingTalk stream push handled after its connection closed; not acked');
      return;
    }
    try {
      link.client.socketCallBackResponse(messageId, response);
    } catch (error) {
      log.warn({ err: error, messageId }, 'DingTalk stream ack not sent');
    }
  }

  private async drain(): Promise<void> {
    if (!this.inFlight.size) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.drainMs ?? DEFAULT_DRAIN_MS)));
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
  }

  private setState(state: StreamState, detail?: string): void {
    if (state !== this.state) {
      this.since = this.clock();
      this.options.log.info({ state, detail }, 'DingTalk stream connection');
    }
    this.state = state;
    this.detail = detail;
  }
}
