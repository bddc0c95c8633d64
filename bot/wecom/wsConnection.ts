// The intelligent bot's long connection (WECOM_BOT_MODE=ws, @wecom/aibot-node-sdk): no public URL, the same
// messages as the webhook, and proactive pushes (aibot_send_msg) of cards and notices into any group the bot
// is in. One live connection per bot: the process holding the lock connects (the SDK reconnects with
// backoff), the others stand by, take over when the holder's lock lapses, and hand their pushes to it.
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import type { Logger } from 'pino';
import type { PlatformConnection } from '../platformAdapter';
import type { ConnectionLock } from './connectionLock';
import type { PushRequest, RedisPushRelay } from './pushRelay';

export interface BotPush {
  /** aibot_send_msg: a markdown or template_card message into a group (chatid) or a 1:1 chat (userid). */
  send(chatId: string, body: Record<string, unknown>): Promise<void>;
  /** The card-update answer to a click frame; WeCom accepts it within 5 s of the click. */
  updateCard(reqId: string, templateCard: Record<string, unknown>): Promise<void>;
}

/** After being pushed out by a connection outside our lock, wait this long before connecting again. */
const PUSHED_OUT_COOL_DOWN_MS = 5 * 60_000;

export type WsState = 'stopped' | 'standby' | 'connecting' | 'connected' | 'pushed_out' | 'auth_failed';

export interface WsConnectionOptions {
  botId: string;
  secret: string;
  wsUrl: string;
  lock: ConnectionLock;
  relay: RedisPushRelay | null;
  log: Logger;
  /** Every inbound frame (messages and events), with the client to answer it on. */
  onFrame(frame: WsFrame, client: WSClient): Promise<void>;
  /** How often a standby tries for the lock, and the holder renews it. */
  lockEveryMs?: number;
  /** Runs once the connection has stopped (closes what the connection's lock and relay used). */
  afterStop?: () => void;
  /** Test knobs passed to the SDK. */
  heartbeatMs?: number;
  reconnectMs?: number;
}

export class WecomBotConnection implements PlatformConnection, BotPush {
  private client: WSClient | null = null;
  private state: WsState = 'stopped';
  private since = new Date();
  private detail: string | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly options: WsConnectionOptions) {}

  describe(): Record<string, unknown> {
    return { mode: 'ws', state: this.state, since: this.since.toISOString(), process: this.options.lock.id, ...(this.detail ? { detail: this.detail } : {}) };
  }

  async start(): Promise<void> {
    this.running = true;
    await this.options.relay?.start();
    await this.campaign();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.disconnect('stopped');
    await this.options.relay?.stop();
    await this.options.lock.release().catch(() => undefined);
    this.options.afterStop?.();
  }

  async send(chatId: string, body: Record<string, unknown>): Promise<void> {
    await this.run({ kind: 'send', chatId, body });
  }

  async updateCard(reqId: string, templateCard: Record<string, unknown>): Promise<void> {
    await this.run({ kind: 'respond', reqId, cmd: 'aibot_respond_update_msg', body: templateCard });
  }

  /** Here when this process holds the connection, at the holder otherwise. */
  private async run(request: PushRequest): Promise<void> {
    if (this.client && this.state === 'connected') return this.sendHere(this.client, request);
    const { relay, lock } = this.options;
    const holder = relay ? await lock.holder() : null;
    if (relay && holder && holder !== lock.id) return relay.request(holder, request);
    throw new Error(`WeCom bot connection is ${this.state}${this.detail ? ` (${this.detail})` : ''}; the push waits for it`);
  }

  private async sendHere(client: WSClient, request: PushRequest): Promise<void> {
    if (request.kind === 'send') await client.sendMessage(request.chatId!, request.body as never);
    else await client.updateTemplateCard({ headers: { req_id: request.reqId! } }, request.body as never);
  }

  /** Try for the lock; hold it and stay connected while we can; stand by otherwise. */
  private async campaign(): Promise<void> {
    if (!this.running) return;
    const { lock, log } = this.options;
    try {
      const holding = this.client ? await lock.renew() : await lock.acquire();
      const coolingDown = this.state === 'pushed_out' && Date.now() - this.since.getTime() < PUSHED_OUT_COOL_DOWN_MS;
      if (holding && !this.client && !coolingDown) this.connect();
      if (!holding && this.client) {
        log.warn({ holder: await lock.holder() }, 'WeCom bot connection lock lost; disconnecting');
        this.disconnect('standby');
      }
      if (!holding && !this.client) this.setState('standby', `held by ${(await lock.holder()) ?? 'nobody yet'}`);
    } catch (error) {
      log.warn({ err: error }, 'WeCom bot connection lock unreachable; trying again');
    }
    this.timer = setTimeout(() => void this.campaign(), this.options.lockEveryMs ?? 10_000);
  }

  private connect(): void {
    const { botId, secret, wsUrl, log, relay } = this.options;
    const client = new WSClient({
      botId, secret, wsUrl,
      maxReconnectAttempts: -1, // forever: the street depends on it; /healthz shows the state meanwhile
      ...(this.options.heartbeatMs ? { heartbeatInterval: this.options.heartbeatMs } : {}),
      ...(this.options.reconnectMs ? { reconnectInterval: this.options.reconnectMs } : {}),
      logger: sdkLogger(log),
    });
    this.client = client;
    this.setState('connecting');
    client.on('authenticated', () => this.setState('connected'));
    client.on('disconnected', (reason) => this.client === client && this.state !== 'pushed_out' && this.setState('connecting', reason));
    client.on('reconnecting', (attempt) => this.setState('connecting', `reconnect attempt ${attempt}`));
    client.on('error', (error) => {
      log.error({ err: error }, 'WeCom bot connection error');
      if (/auth/i.test(error.message)) this.setState('auth_failed', error.message);
    });
    client.on('event.disconnected_event', () => {
      // Another connection for this bot (outside this deployment's lock) pushed us out; the SDK will not
      // reconnect. Say so loudly, and try again on a later turn rather than fight over the bot.
      log.error('WeCom pushed this bot connection out: another connection for the same bot id is live');
      this.disconnect('pushed_out');
    });
    const onFrame = (frame: WsFrame) => {
      this.options.onFrame(frame, client).catch((error: unknown) => log.error({ err: error, reqId: frame.headers?.req_id }, 'WeCom frame not handled'));
    };
    client.on('message', onFrame);
    client.on('event', (frame) => frame.body?.event?.eventtype !== 'disconnected_event' && onFrame(frame as WsFrame));
    relay?.serve((request) => (this.client && this.state === 'connected' ? this.sendHere(this.client, request) : Promise.reject(new Error(`connection ${this.state}`))));
    client.connect();
  }

  private disconnect(next: WsState): void {
    const client = this.client;
    this.client = null;
    this.options.relay?.stopServing();
    if (client) {
      client.removeAllListeners();
      client.disconnect();
    }
    this.setState(next);
  }

  private setState(state: WsState, detail?: string): void {
    if (state !== this.state) this.since = new Date();
    if (state !== this.state) this.options.log.info({ state, detail }, 'WeCom bot connection');
    this.state = state;
    this.detail = detail;
  }
}

function sdkLogger(log: Logger) {
  const child = log.child({ component: 'wecom-ws' });
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, ...args: unknown[]) =>
    child[level](args.length ? { args } : {}, message);
  return { debug: at('debug'), info: at('debug'), warn: at('warn'), error: at('error') };
}
