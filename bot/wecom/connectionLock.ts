// Only one WebSocket connection per WeCom bot may be live: a second one pushes the first out (platforms.md
// §10). With several bot processes, the one holding this lock connects and the others stand by; the lock
// lapses if its holder dies, and a standby takes over. The embedded default is one process: a local lock.
// Nothing here is WeCom's own: DingTalk's Stream connection (bot/dingtalk/streamConnection.ts) holds the same locks.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type Redis from 'ioredis';

export interface ConnectionLock {
  /** Who this process is, as the holder's name other processes see. */
  readonly id: string;
  /** Takes the lock if it is free (or already ours); true when held. */
  acquire(): Promise<boolean>;
  /** Extends our hold; false when it was lost (expired and taken). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  /** The current holder's id, or null. */
  holder(): Promise<string | null>;
}

export function processId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

export class LocalConnectionLock implements ConnectionLock {
  readonly id = processId();
  private held = false;
  async acquire(): Promise<boolean> {
    return (this.held = true);
  }
  async renew(): Promise<boolean> {
    return this.held;
  }
  async release(): Promise<void> {
    this.held = false;
  }
  async holder(): Promise<string | null> {
    return this.held ? this.id : null;
  }
}

// Compare-and-act in one step, so a holder whose lock expired and was taken cannot extend or drop the new one.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisConnectionLock implements ConnectionLock {
  readonly id = processId();
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly ttlMs: number,
  ) {}

  async acquire(): Promise<boolean> {
    const taken = await this.redis.set(this.key, this.id, 'PX', this.ttlMs, 'NX');
    return taken === 'OK' || (await this.renew());
  }

  async renew(): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.key, this.id, String(this.ttlMs))) === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.id);
  }

  holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}
