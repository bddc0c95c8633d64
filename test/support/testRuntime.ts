// Starts the whole bot as `npm start` would (real HTTP on a free port, SQLite in a temp folder, the
// in-process queue) and gives tests a small JSON client for it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config';
import { settle } from '../../bot/queue/settle';
import { startRuntime, type Collaborators, type Runtime } from '../../bot/runtime';

export interface TestBot {
  runtime: Runtime;
  call<T = any>(method: string, urlPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T }>;
  /** Waits until every queued job (classification, deliveries, retries) has run. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** A fresh data folder, unless `DATA_DIR` is given (to restart on the same database). */
export async function startTestBot(env: Record<string, string> = {}, keepData = false, collaborators: Collaborators = {}): Promise<TestBot> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'grid-bot-test-'));
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, QUEUE_RETRY_DELAY_MS: '5', ...env });
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
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
