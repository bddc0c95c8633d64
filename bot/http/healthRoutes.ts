// GET /healthz: 200 with each component's state when the bot can take messages, 503 when it cannot.
import Router from 'koa-router';
import type { DataSource } from 'typeorm';
import type { JobQueue } from '../queue/types';

export interface HealthSources {
  dataSource: DataSource;
  queue: JobQueue;
  classifier: string;
  platforms: string[];
  startedAt: Date;
}

export function healthRoutes(sources: HealthSources): Router {
  const router = new Router();
  router.get('/healthz', async (ctx) => {
    let database: string;
    try {
      await sources.dataSource.query('SELECT 1');
      database = 'ok';
    } catch (error) {
      database = `error: ${(error as Error).message}`;
    }
    const ok = database === 'ok';
    ctx.status = ok ? 200 : 503;
    ctx.body = {
      status: ok ? 'ok' : 'unavailable',
      database,
      databaseType: sources.dataSource.options.type,
      queue: { kind: sources.queue.kind, queues: await sources.queue.stats() },
      classifier: sources.classifier,
      platforms: sources.platforms,
      uptimeSeconds: Math.round((Date.now() - sources.startedAt.getTime()) / 1000),
    };
  });
  return router;
}
