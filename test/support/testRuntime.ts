// Starts the whole bot as `npm start` would (real HTTP on a free port, SQLite in a temp folder, the
// in-process queue) and gives tests a small JSON client for it. `{ backend: 'mariadb' }` runs the same bot
// on a scratch MariaDB database instead.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config';
import { settle } from '../../bot/queue/settle';
import { startRuntime, type Collaborators, type Runtime } from '../../bot/runtime';
import { createScratchDatabase } from './mariadb';
import { scratchBullPrefix, TEST_REDIS_URL } from './redis';

export interface TestBot {
  runtime: Runtime;
  call<T = any>(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** Waits until every queued job (classification, deliveries, retries) has run. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** Where the test bot keeps its data and runs its jobs. */
export type TestBackend = 'sqlite' | 'mariadb' | 'mariadb+bull';

export interface TestBotOptions extends Collaborators {
  backend?: TestBackend;
}

/** A fresh data folder (and database), unless `DATA_DIR` or `DATABASE_URL` is given (to restart on the same data). */
export async function startTestBot(env: Record<string, string> = {}, keepData = false, options: TestBotOptions = {}): Promise<TestBot> {
  const { backend = 'sqlite', ...collaborators } = options;
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'grid-bot-test-'));
  const scratch = backend !== 'sqlite' && !env.DATABASE_URL ? await createScratchDatabase() : null;
  const bull = backend === 'mariadb+bull' && !env.BULL_PREFIX ? scratchBullPrefix() : null;
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    QUEUE_RETRY_DELAY_MS: '5',
    ...(scratch ? { DATABASE_URL: scratch.url } : {}),
    ...(bull ? { REDIS_URL: TEST_REDIS_URL, BULL_PREFIX: bull.prefix } : {}),
    ...env,
  });
  const runtime = await startRuntime(config, { log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...collaborators });
  return {
    runtime,
    async call(method, urlPath, body, headers = {}) {
      const response = await fetch(runtime.url + urlPath, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    settle: () => settle(runtime.queue),
    async stop() {
      await runtime.close();
      if (keepData) return;
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
      await bull?.drop();
    },
  };
}
