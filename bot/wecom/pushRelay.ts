// Pushes over the bot's WebSocket from processes that do not hold it. Deliveries run in any worker process,
// but only the lock holder has the connection (connectionLock.ts); a push elsewhere is handed to the holder
// through Redis — a list per holder it pops from, answers on a channel per asker — and waits for the answer.
// An unanswered push (no holder, holder gone) fails after a timeout, and the outbound queue retries it.
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Logger } from 'pino';

export interface PushRequest {
  /** aibot_send_msg to a chat, or an answer to a callback frame (aibot_respond_update_msg …). */
  kind: 'send' | 'respond';
  chatId?: string;
  reqId?: string;
  cmd?: string;
  body: Record<string, unknown>;
}

type Serve = (request: PushRequest) => Promise<void>;

interface Envelope {
  id: string;
  replyTo: string;
  request: PushRequest;
}

const REQUEST_TIMEOUT_MS = 10_000;
/** A request older than this is not sent any more: its asker has given up and will retry it. */
const STALE_MS = REQUEST_TIMEOUT_MS;

export class RedisPushRelay {
  private readonly waiting = new Map<string, { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout }>();
  private subscriber: Redis | null = null;
  private server: Redis | null = null;
  private serving = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly selfId: string,
    private readonly log: Logger,
  ) {}

  private queueOf(holderId: string) {
    return `${this.prefix}:push:${holderId}`;
  }
  private get replyChannel() {
    return `${this.prefix}:reply:${this.selfId}`;
  }

  async start(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => this.settle(message));
    await this.subscriber.subscribe(this.replyChannel);
  }

  /** Hands a push to the holder and waits until it has been sent (or refused) there. */
  async request(holderId: string, request: PushRequest): Promise<void> {
    const id = randomUUID();
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`WeCom push handed to ${holderId} was not answered within ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.waiting.set(id, { resolve, reject, timer });
    });
    const envelope: Envelope & { at: number } = { id, replyTo: this.replyChannel, request, at: Date.now() };
    await this.redis.lpush(this.queueOf(holderId), JSON.stringify(envelope));
    await this.redis.pexpire(this.queueOf(holderId), 60_000);
    return done;
  }

  /** While this process holds the connection: pop pushes handed to it and answer each. */
  serve(send: Serve): void {
    if (this.serving) return;
    this.serving = true;
    this.server = this.redis.duplicate();
    void this.loop(send);
  }

  private async loop(send: Serve): Promise<void> {
    while (this.serving && this.server) {
      let popped: [string, string] | null = null;
      try {
        popped = await this.server.brpop(this.queueOf(this.selfId), 1);
      } catch (error) {
        if (!this.serving) return;
        this.log.warn({ err: error }, 'WeCom push relay could not read its queue; trying again');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        continue;
      }
      if (!popped) continue;
      const envelope = JSON.parse(popped[1]) as Envelope & { at: number };
      if (Date.now() - envelope.at > STALE_MS) continue;
      let answer: { id: string; error: string | null };
      try {
        await send(envelope.request);
        answer = { id: envelope.id, error: null };
      } catch (error) {
        answer = { id: envelope.id, error: error instanceof Error ? error.message : String(error) };
      }
      await this.redis.publish(envelope.replyTo, JSON.stringify(answer)).catch((error: unknown) => this.log.warn({ err: error }, 'WeCom push relay could not answer'));
    }
  }

  stopServing(): void {
    this.serving = false;
    this.server?.disconnect();
    this.server = null;
  }

  async stop(): Promise<void> {
    this.stopServing();
    for (const { reject, timer } of this.waiting.values()) {
      clearTimeout(timer);
      reject(new Error('WeCom push relay stopped'));
    }
    this.waiting.clear();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private settle(message: string): void {
    const answer = JSON.parse(message) as { id: string; error: string | null };
    const waiting = this.waiting.get(answer.id);
    if (!waiting) return;
    this.waiting.delete(answer.id);
    clearTimeout(waiting.timer);
    if (answer.error) waiting.reject(new Error(`WeCom push failed at the connection holder: ${answer.error}`));
    else waiting.resolve();
  }
}
