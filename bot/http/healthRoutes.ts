// GET /healthz: 200 with each component's state when the bot can take messages, 503 (naming the
// component) when the database or the queue cannot be reached.
// Deliveries that wait out an outage or were given up are shown here too: if the command centre itself
// cannot be reached, this and GET /api/outbox?status=failed are where a person sees it.
import { outboxHealth } from '../../handlers/delivery/deliveryRetries';
import type { Database } from '../../storage/database';
import type { JobQueue } from '../queue/types';
import type { RouteGroup } from './routers';

export interface HealthSources {
  db: Database;
  queue: JobQueue;
  classifier: string;
  platforms: string[];
  roles: readonly string[];
  startedAt: Date;
  /** Each long-running platform connection's state (WeCom's WebSocket), by platform. */
  connections?: () => Record<string, unknown>;
  /** The LLM classifier's circuit breaker and latency, when one is configured. */
  llm?: () => unknown;
}

export function healthRoutes(routes: RouteGroup, sources: HealthSources): RouteGroup {
  routes.router.get('/healthz', async (ctx) => {
    let database: string;
    let outbox: Awaited<ReturnType<typeof outboxHealth>> | null = null;
    try {
      await sources.db.ping();
      outbox = await outboxHealth(sources);
      database = 'ok';
    } catch (error) {
      database = `error: ${(error as Error).message}`;
    }
    let queue: { kind: string; status: string; queues?: unknown };
    try {
      queue = { kind: sources.queue.kind, status: 'ok', queues: await sources.queue.stats() };
    } catch (error) {
      queue = { kind: sources.queue.kind, status: `error: ${(error as Error).message}` };
    }
    const ok = database === 'ok' && queue.status === 'ok';
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? 'ok' : 'unavailable',
      database,
      databaseType: sources.db.type,
      queue,
      outbox,
      classifier: sources.classifier,
      platforms: sources.platforms,
      ...(sources.connections ? { connections: sources.connections() } : {}),
      ...(sources.llm ? { llm: sources.llm() } : {}),
      roles: sources.roles,
      uptimeSeconds: Math.round((Date.now() - sources.startedAt.getTime()) / 1000),
    };
  });
  return routes;
}
