// Assembles the running bot from configuration: database and migrations, seeds, classifier, queue and
// its processors, platform adapters, HTTP app. bot/main.ts starts it; integration tests start it too.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { loadConsultAnswers } from '../handlers/intake/consultAnswers';
import type { HandlerContext } from '../handlers/context';
import { deliverOutbound, recordOutboundFailure, type Deliveries } from '../handlers/delivery/deliverOutbound';
import { processInboundMessage, recordInboundFailure } from '../handlers/intake/processInboundMessage';
import { loadDemoStreet } from '../seeds/demoStreet';
import { seedDatabase } from '../seeds/seed';
import { loadTaxonomy } from '../seeds/taxonomy';
import { releaseDueDeliveries } from '../handlers/delivery/deliveryRetries';
import { openDatabase } from '../storage/dataSource';
import type { Database } from '../storage/database';
import { ChatGroup, InboundMessage, OutboundMessage } from '../storage/entities';
import { createApp } from './http/app';
import { healthRoutes } from './http/healthRoutes';
import { incidentRoutes } from './http/incidentRoutes';
import { messageRoutes } from './http/messageRoutes';
import { outboxRoutes } from './http/outboxRoutes';
import { listRoutes, routers, type RouteInfo } from './http/routers';
import { sandboxPageRoutes } from './http/sandboxPage';
import { createLogger } from './logger';
import { InProcessQueue } from './queue/inProcessQueue';
import type { JobQueue } from './queue/types';
import { SandboxDelivery } from './sandbox/sandboxDelivery';
import { sandboxRoutes } from './sandbox/sandboxRoutes';

/** How often rows waiting out a platform outage are checked for being due (issue 12 moves this to the scheduler role). */
const DELIVERY_RETRY_SWEEP_MS = 15_000;

export interface Runtime {
  config: Config;
  context: HandlerContext;
  queue: JobQueue;
  sandbox: SandboxDelivery;
  server: Server;
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
}

export async function startRuntime(config: Config, collaborators: Collaborators = {}): Promise<Runtime> {
  const log = collaborators.log ?? createLogger(config.logLevel);
  const startedAt = new Date();
  const taxonomy = loadTaxonomy();
  const consultAnswers = loadConsultAnswers();
  const classifier = new RuleClassifier(taxonomy);
  const db = await openDatabase(config.database);
  await seedOnFirstStart(db, config, log, taxonomy);

  const queue = new InProcessQueue({ attempts: config.queueAttempts, retryDelayMs: config.queueRetryDelayMs, log });
  const context: HandlerContext = {
    db,
    taxonomy,
    classifier,
    consultAnswers,
    jobs: queue,
    clock: collaborators.clock ?? (() => new Date()),
    log,
    timeZone: config.timeZone,
    policy: config.policy,
  };
  const sandbox = new SandboxDelivery();
  const deliveries: Deliveries = new Map([[sandbox.platform, sandbox]]);

  queue.process('inbound', (job) => processInboundMessage(job, context), (job, error, isFinal) => recordInboundFailure(job, error, isFinal, context), 4);
  queue.process('outbound', (job) => deliverOutbound(job, context, deliveries), (job, error, isFinal) => recordOutboundFailure(job, error, isFinal, context), 4);
  await requeueUnfinishedWork(db, queue, log);
  const retrySweep = setInterval(() => {
    releaseDueDeliveries(context).catch((error) => log.error({ err: error }, 'delivery retry sweep failed; it runs again shortly'));
  }, DELIVERY_RETRY_SWEEP_MS);

  const route = routers(config.adminToken);
  const groups = [
    healthRoutes(route.public(), { db, queue, classifier: classifier.name, platforms: [...deliveries.keys()], startedAt }),
    incidentRoutes(route.admin('/api'), db, taxonomy),
    outboxRoutes(route.admin('/api'), context),
    messageRoutes(route.admin('/api'), db),
    ...(config.sandbox ? [sandboxRoutes(route.admin('/sandbox'), context, sandbox), sandboxPageRoutes(route.public())] : []),
  ];
  const app = createApp(log, groups);
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, database: config.database.file, queue: queue.kind, classifier: classifier.name }, 'grid bot listening');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      clearInterval(retrySweep);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await db.close();
    })());
  return { config, context, queue, sandbox, server, url, routes: listRoutes(groups), log, close };
}

/** The demo street goes into an empty database only: a street's own edits are never overwritten. */
async function seedOnFirstStart(db: Database, config: Config, log: Logger, taxonomy: ReturnType<typeof loadTaxonomy>) {
  const isEmpty = (await db.read.count(ChatGroup)) === 0;
  const demo = config.seedDemo && isEmpty ? loadDemoStreet() : null;
  const report = await seedDatabase(db, taxonomy, demo);
  if (demo) log.info(report, 'demo street seeded');
}

/** The in-process queue forgets on restart; the database does not. Anything unfinished is queued again. */
async function requeueUnfinishedWork(db: Database, queue: JobQueue, log: Logger): Promise<void> {
  const inbound = await db.read.find(InboundMessage, { where: { status: 'received' }, select: { id: true } });
  const outbound = await db.read.find(OutboundMessage, { where: { status: 'pending' }, select: { id: true }, order: { createdAt: 'ASC' } });
  for (const { id } of inbound) await queue.enqueue('inbound', { messageId: id });
  for (const { id } of outbound) await queue.enqueue('outbound', { outboundId: id });
  if (inbound.length || outbound.length) log.info({ inbound: inbound.length, outbound: outbound.length }, 're-queued unfinished work');
}
