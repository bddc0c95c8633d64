// Assembles the running bot from configuration: database and migrations, seeds, classifier, queue and
// its processors, platform adapters, HTTP app. bot/main.ts starts it; integration tests start it too.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { buildClassifier } from '../handlers/classify/buildClassifier';
import type { Classifier } from '../handlers/classify/types';
import { loadConsultAnswers } from '../handlers/intake/consultAnswers';
import { defaultGazetteer } from '../handlers/place/gazetteer';
import { loadPointRules } from '../handlers/volunteers/points';
import type { HandlerContext } from '../handlers/context';
import { createInbox } from '../handlers/intake/inbox';
import { GroupDirectory } from '../storage/queries/groupDirectory';
import type { Deliveries } from '../handlers/delivery/deliverOutbound';
import type { AttachmentSource, AttachmentSources } from '../handlers/intake/attachments';
import { relayUnfinishedWork } from '../handlers/relayUnfinishedWork';
import { loadDemoStreet } from '../seeds/demoStreet';
import { seedDatabase } from '../seeds/seed';
import { loadTaxonomy } from '../seeds/taxonomy';
import { AttachmentFiles } from '../storage/attachmentFiles';
import { openDatabase } from '../storage/dataSource';
import type { Database } from '../storage/database';
import { ChatGroup } from '../storage/entities';
import { createApp } from './http/app';
import { healthRoutes } from './http/healthRoutes';
import { incidentRoutes } from './http/incidentRoutes';
import { statsRoutes } from './http/statsRoutes';
import { ratingRoutes } from './http/ratingRoutes';
import { loadRatingFormula } from '../handlers/ratings/fiveStar';
import { jobRoutes } from './http/jobRoutes';
import { metricsRoutes } from './http/metricsRoutes';
import { messageRoutes } from './http/messageRoutes';
import { attachmentRoutes } from './http/attachmentRoutes';
import { outboxRoutes } from './http/outboxRoutes';
import { organisationRoutes } from './http/organisationRoutes';
import { labelRoutes } from './http/labelRoutes';
import { correctionRoutes } from './http/correctionRoutes';
import { broadcastRoutes } from './http/broadcastRoutes';
import { visitTaskRoutes } from './http/visitTaskRoutes';
import { volunteerRoutes } from './http/volunteerRoutes';
import { alarmRoutes } from './http/alarmRoutes';
import { dashboardApiRoutes } from './http/dashboardRoutes';
import { dashboardRoutes } from './dashboard/dashboardRoutes';
import { listRoutes, routers, type RouteInfo } from './http/routers';
import { jobRegistry } from './jobs/registry';
import { createMetrics } from './metrics';
import { createLogger } from './logger';
import { BullQueue } from './queue/bullQueue';
import { InProcessQueue } from './queue/inProcessQueue';
import type { JobQueue } from './queue/types';
import type { SandboxDelivery } from './sandbox/sandboxDelivery';
import { isSandboxAdapter } from './sandbox/sandboxAdapter';
import { platformAdapters, type PlatformAdapter } from './platformAdapter';
import { startScheduler, type Scheduler } from './scheduler';

export interface Runtime {
  config: Config;
  context: HandlerContext;
  queue: JobQueue;
  sandbox: SandboxDelivery;
  /** Every platform adapter, as registered (bot/platformAdapter.ts). */
  platforms: PlatformAdapter[];
  /** Only in the web role. */
  server: Server | null;
  /** The HTTP base URL; empty unless this process has the web role. */
  url: string;
  /** Every route served, with its access (the route-walking test reads this). */
  routes: RouteInfo[];
  log: Logger;
  close(): Promise<void>;
}

/** What a caller (a test, the bench) may pass in instead of the defaults. */
export interface Collaborators {
  log?: Logger;
  clock?: () => Date;
  /** Instead of the configured classifier (tests script its answers). */
  classifier?: Classifier;
  /** Download sides by platform, in place of the adapters' own (`media`): a test's flaky or refusing platform. */
  media?: Readonly<Record<string, AttachmentSource>>;
}

export async function startRuntime(config: Config, collaborators: Collaborators = {}): Promise<Runtime> {
  const log = collaborators.log ?? createLogger(config.logLevel);
  const startedAt = new Date();
  const taxonomy = loadTaxonomy();
  const consultAnswers = loadConsultAnswers();
  const gazetteer = defaultGazetteer();
  const pointRules = loadPointRules();
  const built = buildClassifier(taxonomy, config.llm, log);
  const classifier = collaborators.classifier ?? built.classifier;
  const db = await openDatabase(config.database, { migrate: config.migrateOnStart, poolSize: config.databasePoolSize });
  await seedOnFirstStart(db, config, log, taxonomy);

  const metrics = createMetrics();
  const queue: JobQueue =
    config.queue.kind === 'bull' ? new BullQueue({ ...config.queue, log, observe: metrics.jobRun }) : new InProcessQueue(log, metrics.jobRun);
  metrics.watchQueue(queue);
  const context: HandlerContext = {
    db,
    inbox: createInbox(db),
    groups: new GroupDirectory(db.read),
    taxonomy,
    classifier,
    consultAnswers,
    gazetteer,
    pointRules,
    jobs: queue,
    clock: collaborators.clock ?? (() => new Date()),
    log,
    timeZone: config.timeZone,
    policy: config.policy,
    metrics,
  };
  const route = routers(config.adminToken);
  const adapters = platformAdapters({ config, context, routers: route });
  const sandbox = adapters.find(isSandboxAdapter)!.delivery;
  const deliveries: Deliveries = new Map(adapters.map((adapter) => [adapter.platform, adapter.delivery]));
  const media: AttachmentSources = new Map([
    ...adapters.flatMap((adapter) => (adapter.media ? [[adapter.platform, adapter.media] as const] : [])),
    ...Object.entries(collaborators.media ?? {}),
  ]);
  const registry = jobRegistry({
    context,
    deliveries,
    media,
    dataDir: config.dataDir,
    retry: { attempts: config.queueAttempts, backoffMs: config.queueRetryDelayMs },
    concurrency: config.jobConcurrency,
    deliveryConcurrency: config.deliveryConcurrency,
    sweepCron: config.sweepCron,
    antiFraudTipCron: config.antiFraudTipCron,
    digestCrons: config.digestCrons,
    dailyTaskCrons: config.dailyTaskCrons,
    relayAfterMs: config.relayAfterMs,
    relayEverySeconds: config.relayEverySeconds,
  });
  queue.define(registry);

  const roles = new Set(config.roles);
  if (roles.has('worker')) queue.work();
  let scheduler: Scheduler | null = null;
  if (roles.has('scheduler')) {
    // A start is a restart too: everything unfinished is queued at once, not after the relay's delay.
    await relayUnfinishedWork(context, 0);
    scheduler = startScheduler(registry, queue, { timeZone: config.timeZone, log });
  }

  const connections = adapters.flatMap((adapter) => (adapter.connection ? [{ platform: adapter.platform, connection: adapter.connection }] : []));
  const groups = [
    healthRoutes(route.public(), {
      db, queue, classifier: classifier.name, platforms: [...deliveries.keys()], roles: config.roles, startedAt,
      llm: built.llm ? () => built.llm!.health() : undefined,
      connections: () => Object.fromEntries(connections.map(({ platform, connection }) => [platform, connection.describe()])),
    }),
    incidentRoutes(route.admin('/api'), db, taxonomy, context.clock),
    statsRoutes(route.admin('/api'), db, taxonomy, context.clock, config.timeZone),
    ratingRoutes(route.admin('/api'), context, loadRatingFormula()),
    outboxRoutes(route.admin('/api'), context),
    messageRoutes(route.admin('/api'), db),
    attachmentRoutes(route.admin('/api'), db, new AttachmentFiles(config.dataDir)),
    organisationRoutes(route.admin('/api'), context),
    labelRoutes(route.admin('/api'), db),
    correctionRoutes(route.admin('/api'), context),
    broadcastRoutes(route.admin('/api'), context),
    visitTaskRoutes(route.admin('/api'), context),
    volunteerRoutes(route.admin('/api'), context),
    dashboardApiRoutes(route.admin('/api'), db, taxonomy),
    dashboardRoutes(route.public()),
    jobRoutes(route.admin('/api'), queue),
    metricsRoutes(config.adminToken ? route.admin('') : route.public(), metrics.registry),
    // Devices sign instead of holding the admin token; the sources' dashboard is admin.
    ...alarmRoutes(route, context, config.alarmSecrets),
    ...adapters.flatMap((adapter) => adapter.routes),
  ];
  let server: Server | null = null;
  let url = '';
  if (roles.has('web')) {
    const app = createApp(log, groups);
    server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, () => resolve(listening));
      listening.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  }
  // A platform's long connection delivers too (pushes), so it runs where deliveries run.
  if (roles.has('worker')) for (const { connection } of connections) await connection.start();
  log.info({ roles: config.roles, url: url || undefined, database: db.type, queue: queue.kind, classifier: classifier.name }, 'grid bot started');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await scheduler?.stop();
      for (const { connection } of connections) await connection.stop();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
      await queue.close();
      await db.close();
    })());
  return { config, context, queue, sandbox, platforms: adapters, server, url, routes: listRoutes(groups), log, close };
}

/** The demo street goes into an empty database only: a street's own edits are never overwritten. */
async function seedOnFirstStart(db: Database, config: Config, log: Logger, taxonomy: ReturnType<typeof loadTaxonomy>) {
  const isEmpty = (await db.read.count(ChatGroup)) === 0;
  const demo = config.seedDemo && isEmpty ? loadDemoStreet() : null;
  const report = await seedDatabase(db, taxonomy, demo);
  if (demo) log.info(report, 'demo street seeded');
}
