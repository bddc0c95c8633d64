// Assembles the running bot from configuration: database and migrations, seeds, classifier, queue and
// its processors, platform adapters, HTTP app. bot/main.ts starts it; integration tests start it too.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { loadConsultAnswers } from '../handlers/consultAnswers';
import type { HandlerContext } from '../handlers/context';
import { deliverOutbound, recordOutboundFailure, type Deliveries } from '../handlers/deliverOutbound';
import { processInboundMessage, recordInboundFailure } from '../handlers/processInboundMessage';
import { loadDemoStreet } from '../seeds/demoStreet';
import { seedDatabase } from '../seeds/seed';
import { loadTaxonomy } from '../seeds/taxonomy';
import { openDatabase, transactionRunner } from '../storage/dataSource';
import { ChatGroup, InboundMessage, OutboundMessage } from '../storage/entities';
import { createApp } from './http/app';
import { healthRoutes } from './http/healthRoutes';
import { incidentRoutes } from './http/incidentRoutes';
import { sandboxPageRoutes } from './http/sandboxPage';
import { createLogger } from './logger';
import { InProcessQueue } from './queue/inProcessQueue';
import type { JobQueue } from './queue/types';
import { SandboxDelivery } from './sandbox/sandboxDelivery';
import { sandboxRoutes } from './sandbox/sandboxRoutes';

export interface Runtime {
  config: Config;
  context: HandlerContext;
  queue: JobQueue;
  sandbox: SandboxDelivery;
  server: Server;
  url: string;
  log: Logger;
  close(): Promise<void>;
}

export async function startRuntime(config: Config, log: Logger = createLogger(config.logLevel)): Promise<Runtime> {
  const startedAt = new Date();
  const taxonomy = loadTaxonomy();
  const consultAnswers = loadConsultAnswers();
  const classifier = new RuleClassifier(taxonomy);
  const dataSource = await openDatabase(config.database);
  await seedOnFirstStart(dataSource, config, log, taxonomy);

  const queue = new InProcessQueue({ attempts: config.queueAttempts, retryDelayMs: config.queueRetryDelayMs, log });
  const context: HandlerContext = {
    dataSource,
    transaction: transactionRunner(dataSource),
    taxonomy,
    classifier,
    consultAnswers,
    jobs: queue,
    clock: () => new Date(),
    log,
    timeZone: config.timeZone,
  };
  const sandbox = new SandboxDelivery();
  const deliveries: Deliveries = new Map([[sandbox.platform, sandbox]]);

  queue.process('inbound', (job) => processInboundMessage(job, context), (job, error, isFinal) => recordInboundFailure(job, error, isFinal, context), 4);
  queue.process('outbound', (job) => deliverOutbound(job, context, deliveries), (job, error, isFinal) => recordOutboundFailure(job, error, isFinal, context), 4);
  await requeueUnfinishedWork(dataSource, queue, log);

  const app = createApp({
    log,
    adminToken: config.adminToken,
    routers: [
      healthRoutes({ dataSource, queue, classifier: classifier.name, platforms: [...deliveries.keys()], startedAt }),
      incidentRoutes(dataSource, taxonomy),
      ...(config.sandbox ? [sandboxRoutes(context, sandbox), sandboxPageRoutes()] : []),
    ],
    guardedPrefixes: ['/api', '/sandbox'],
  });
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
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await dataSource.destroy();
    })());
  return { config, context, queue, sandbox, server, url, log, close };
}

/** The demo street goes into an empty database only: a street's own edits are never overwritten. */
async function seedOnFirstStart(dataSource: DataSource, config: Config, log: Logger, taxonomy: ReturnType<typeof loadTaxonomy>) {
  const isEmpty = (await dataSource.getRepository(ChatGroup).count()) === 0;
  const demo = config.seedDemo && isEmpty ? loadDemoStreet() : null;
  const report = await seedDatabase(dataSource, taxonomy, demo);
  if (demo) log.info(report, 'demo street seeded');
}

/** The in-process queue forgets on restart; the database does not. Anything unfinished is queued again. */
async function requeueUnfinishedWork(dataSource: DataSource, queue: JobQueue, log: Logger): Promise<void> {
  const inbound = await dataSource.getRepository(InboundMessage).find({ where: { status: 'received' }, select: { id: true } });
  const outbound = await dataSource.getRepository(OutboundMessage).find({ where: { status: 'pending' }, select: { id: true }, order: { createdAt: 'ASC' } });
  for (const { id } of inbound) await queue.enqueue('inbound', { messageId: id });
  for (const { id } of outbound) await queue.enqueue('outbound', { outboundId: id });
  if (inbound.length || outbound.length) log.info({ inbound: inbound.length, outbound: outbound.length }, 're-queued unfinished work');
}
