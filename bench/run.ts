// `npm run bench`: figures, not a test. Classifier speed; then for the embedded default and (when MariaDB
// and Redis answer) MySQL + bull: ingest against a bare Koa server measured in the same run, the pipeline
// draining what was accepted, end-to-end latency at a steady 200 reports/s, memory; the same ingest and
// pipeline with 10,000 and 1,000,000 incidents already stored; and the open-past-deadline query over a
// large incidents table. It fails only if the flow itself breaks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'mysql2/promise';
import Redis from 'ioredis';
import { In, MoreThanOrEqual } from 'typeorm';
import { load, reportRequests, residentGroups, startBareKoa, waitUntilIdle, type Load } from './ingest';
import { benchDeadlineQuery, seedIncidents } from './growth';
import { BENCH_CHAT, loadWecomCallback, wecomBenchEnv } from './wecomIngest';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../config';
import { fromProjectRoot } from '../config/projectRoot';
import pino from 'pino';
import { detectScamBait } from '../handlers/fraud/scamBait';
import { locateReport } from '../handlers/incidents/locateReport';
import { defaultGazetteer } from '../handlers/place/gazetteer';
import { buildClassifier } from '../handlers/classify/buildClassifier';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { loadTextModel } from '../handlers/classify/textModel';
import { loadTaxonomy } from '../seeds/taxonomy';
import { Incident, InboundMessage, OutboundMessage } from '../storage/entities';
import type { Reader } from '../storage/database';
import { openDatabase } from '../storage/dataSource';
import { startBotProcess } from '../test/support/botProcess';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 30);
const STEADY_RATE = 200;
const CONNECTIONS = 50;
const GROWTH_ROWS = Number(process.env.BENCH_GROWTH_ROWS ?? 1_000_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function benchClassifier(): Promise<void> {
  const texts = readFileSync(fromProjectRoot('test', 'fixtures', 'dev-messages.jsonl'), 'utf8')
    .split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { text: string }).text);
  const taxonomy = loadTaxonomy();
  const rules = new RuleClassifier(taxonomy);
  const loadStarted = performance.now();
  const model = loadTextModel();
  const loadMs = performance.now() - loadStarted;
  const combined = buildClassifier(taxonomy, null, pino({ level: 'silent' })).classifier;
  const rounds = 20;
  const time = async (name: string, classify: (text: string) => unknown) => {
    for (const text of texts) await classify(text); // warm up
    const started = performance.now();
    for (let r = 0; r < rounds; r++) for (const text of texts) await classify(text);
    const elapsed = performance.now() - started;
    const perMessage = elapsed / (rounds * texts.length);
    console.log(`  ${name.padEnd(28)} ${rounds * texts.length} in ${ms(elapsed)}: ${(1000 / perMessage).toFixed(0)} messages/s, ${(perMessage * 1000).toFixed(1)} µs each`);
    return perMessage;
  };
  console.log(`classifiers (the model file loads in ${ms(loadMs)})`);
  const rulesEach = await time('rules', (text) => rules.classifyText(text));
  await time('model alone', (text) => model.predict(text));
  const combinedEach = await time('combination (model + rules)', (text) => combined.classify(text));
  console.log(`    combination / rules: ${(combinedEach / rulesEach).toFixed(2)}×   goal: well under 1 ms a message`);
  // What else every report goes through before it becomes a case: the scam-bait check and where it is.
  const scamEach = await time('scam-bait detector', (text) => detectScamBait({ text, classifiedAs: 'chat' }));
  const gazetteer = defaultGazetteer();
  const placeEach = await time('place located (gazetteer)', (text) => locateReport(text, { orgUnitCode: 'c.guixiangyuan' }, gazetteer));
  console.log(`    per report, classification + scam check + place: ${((combinedEach + scamEach + placeEach) * 1000).toFixed(0)} µs`);
}

interface BackendFigures {
  name: string;
  bootMs: number;
  ingest: Load;
  pipeline: { reports: number; seconds: number };
  steady: { load: Load; p50: number; p99: number; n: number } | null;
  rssPer10k: number;
}

interface BackendRun {
  /** Incidents already stored when the run starts (the growth runs); the steady phase is left out then. */
  storedIncidents?: number;
}

/** The pipeline's speed, not the flood guard: a handful of residents post thousands of reports here. */
const BENCH_ENV = {
  PORT: '0',
  LOG_LEVEL: 'silent',
  FLOOD_SENDER_PER_MINUTE: '10000',
  FLOOD_GROUP_PER_MINUTE: '100000',
  REPEAT_WINDOW_MINUTES: '0',
};
/** To profile the bot alone, e.g. BENCH_BOT_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const BOT_NODE_ARGS = (process.env.BENCH_BOT_NODE_ARGS ?? '').split(' ').filter(Boolean);

async function benchBackend(name: string, env: Record<string, string>, run: BackendRun = {}): Promise<BackendFigures> {
  const config = loadConfig({ ...BENCH_ENV, ...env });
  if (run.storedIncidents) {
    if (config.database.type !== 'better-sqlite3') throw new Error('growth runs seed SQLite only');
    // A first start makes the schema and the demo street; then the incidents go in beside them.
    await (await startBotProcess({ ...BENCH_ENV, ...env })).stop();
    seedIncidents(config.database.file, run.storedIncidents);
  }
  const bootStarted = performance.now();
  const bot = await startBotProcess({ ...BENCH_ENV, ...env }, BOT_NODE_ARGS);
  const bootMs = performance.now() - bootStarted;
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const groups = await residentGroups(bot.url);
    const rssBefore = rssOf(bot.child.pid!);
    const reports = reportRequests(groups);
    const started = performance.now();
    const ingest = await load(bot.url, () => reports.next(), { connections: CONNECTIONS, seconds: SECONDS });
    await waitUntilIdle(bot.url);
    const seconds = (performance.now() - started) / 1000;
    const handled = await db.read.countBy(InboundMessage, { status: 'done' });
    if (handled < ingest.requests - ingest.non2xx) throw new Error(`${name}: ${handled} handled of ${ingest.requests - ingest.non2xx} accepted`);
    const rssPer10k = ((rssOf(bot.child.pid!) - rssBefore) / handled) * 10_000;
    const figures = { name, bootMs, ingest, pipeline: { reports: handled, seconds }, steady: null, rssPer10k };
    if (run.storedIncidents) return figures;

    const steadyFrom = new Date();
    const steadyReports = reportRequests(groups, 1_000_000);
    const steadyLoad = await load(bot.url, () => steadyReports.next(), { connections: 20, seconds: STEADY_SECONDS, rate: STEADY_RATE });
    await waitUntilIdle(bot.url);
    const latencies = await acceptedToCard(db.read, steadyFrom);
    return { ...figures, steady: { load: steadyLoad, p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length } };
  } finally {
    await db.close();
    await bot.stop();
  }
}

/** The WeCom bot's callback route (decrypt, verify, store, seal the answer) beside the sandbox's JSON route, in one bot. */
async function benchWecomCallback(env: Record<string, string>, bare: Load): Promise<void> {
  const bot = await startBotProcess({ ...BENCH_ENV, ...env, ...wecomBenchEnv('http://127.0.0.1:9') });
  const db = await openDatabase(loadConfig({ ...BENCH_ENV, ...env }).database, { migrate: false });
  try {
    const bound = await fetch(`${bot.url}/api/chats/wecom/${BENCH_CHAT}/binding`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'resident', orgUnit: 'c.guixiangyuan' }) });
    if (!bound.ok) throw new Error(`binding the bench chat answered ${bound.status}`);
    const groups = await residentGroups(bot.url);
    const reports = reportRequests(groups, 2_000_000);
    const sandbox = await load(bot.url, () => reports.next(), { connections: CONNECTIONS, seconds: SECONDS });
    await waitUntilIdle(bot.url);
    const wecom = await loadWecomCallback(bot.url, { connections: CONNECTIONS, seconds: SECONDS });
    await waitUntilIdle(bot.url);
    const stored = await db.read.countBy(InboundMessage, { platform: 'wecom' });
    if (stored < wecom.requests - wecom.non2xx) throw new Error(`wecom: ${stored} stored of ${wecom.requests - wecom.non2xx} answered`);
    console.log(`\nWeCom bot callback (verify, decrypt, store, seal the stream answer), embedded, ${CONNECTIONS} connections, ${SECONDS} s:`);
    console.log(`  ${wecom.rps.toFixed(0)} req/s (p50 ${wecom.p50} ms, p99 ${wecom.p99} ms, ${wecom.non2xx} non-2xx), ${stored} stored`);
    console.log(`    ratio to the sandbox JSON route in the same bot (${sandbox.rps.toFixed(0)} req/s): ${(wecom.rps / sandbox.rps).toFixed(3)}   goal >= 0.5`);
    console.log(`    ratio to bare Koa (${bare.rps.toFixed(0)} req/s): ${(wecom.rps / bare.rps).toFixed(4)};  p99 goal well under WeCom's 5 s: ${wecom.p99 < 1000 ? 'yes' : 'NO'}`);
  } finally {
    await db.close();
    await bot.stop();
  }
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Per incident opened since `from`: stored message → its lead card handed to the adapter, from the database's timestamps. */
async function acceptedToCard(read: Reader, from: Date): Promise<number[]> {
  const incidents = await read.find(Incident, { where: { createdAt: MoreThanOrEqual(from) }, select: { id: true, sourceMessageId: true } });
  const out: number[] = [];
  for (let i = 0; i < incidents.length; i += 500) {
    const slice = incidents.slice(i, i + 500);
    const messages = new Map((await read.find(InboundMessage, { where: { id: In(slice.map((x) => x.sourceMessageId)) }, select: { id: true, receivedAt: true } })).map((m) => [m.id, m.receivedAt]));
    const cards = await read.find(OutboundMessage, { where: { kind: 'card', incidentId: In(slice.map((x) => x.id)) }, select: { incidentId: true, sentAt: true } });
    const firstCard = new Map<string, number>();
    for (const card of cards) if (card.sentAt) firstCard.set(card.incidentId!, Math.min(firstCard.get(card.incidentId!) ?? Infinity, card.sentAt.getTime()));
    for (const incident of slice) {
      const received = messages.get(incident.sourceMessageId)?.getTime();
      const handed = firstCard.get(incident.id);
      if (received !== undefined && handed !== undefined) out.push(handed - received);
    }
  }
  return out.sort((a, b) => a - b);
}

async function productionEnv(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> } | string> {
  const server = { host: process.env.MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.MYSQL_PORT ?? 3306), user: process.env.MYSQL_USER ?? 'root', password: process.env.MYSQL_PASSWORD ?? '' };
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const database = `grid_bot_bench_${process.pid}`;
  const prefix = `grid-bot-bench-${process.pid}`;
  try {
    const admin = await createConnection({ ...server, connectTimeout: 2000 });
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
    await redis.connect();
    await redis.ping();
    redis.disconnect();
  } catch (error) {
    return `MySQL + Redis skipped: ${(error as Error).message}`;
  }
  const credentials = `${server.user}${server.password ? `:${encodeURIComponent(server.password)}` : ''}`;
  return {
    env: { DATABASE_URL: `mariadb://${credentials}@${server.host}:${server.port}/${database}`, REDIS_URL: redisUrl, BULL_PREFIX: prefix },
    async cleanup() {
      const admin = await createConnection(server);
      await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await admin.end();
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}

function printBackend(f: BackendFigures, bare: Load): void {
  const reportsPerSecond = f.pipeline.reports / f.pipeline.seconds;
  console.log(`\n${f.name}`);
  console.log(`  process start to listening (node start-up, migrations, seed check): ${ms(f.bootMs)}`);
  console.log(`  ingest, ${CONNECTIONS} connections, ${SECONDS} s: ${f.ingest.rps.toFixed(0)} req/s (p50 ${f.ingest.p50} ms, p99 ${f.ingest.p99} ms, ${f.ingest.non2xx} non-2xx)`);
  console.log(`    ratio to bare Koa (${bare.rps.toFixed(0)} req/s): ${(f.ingest.rps / bare.rps).toFixed(4)}   goal >= 0.25`);
  console.log(`  pipeline: ${f.pipeline.reports} reports stored to cards handed over in ${f.pipeline.seconds.toFixed(1)} s: ${reportsPerSecond.toFixed(0)} reports/s   goal >= 1000`);
  if (f.steady) {
    console.log(`  steady ${STEADY_RATE}/s for ${STEADY_SECONDS} s (${f.steady.load.rps.toFixed(0)} req/s sent, ack p99 ${f.steady.load.p99} ms): stored -> lead card handed over p50 ${ms(f.steady.p50)}, p99 ${ms(f.steady.p99)} over ${f.steady.n} reports   goal p99 <= 200 ms`);
  }
  console.log(`  memory: +${mb(f.rssPer10k)} RSS per 10,000 reports`);
}

(async () => {
  await benchClassifier();
  if (process.env.BENCH_ONLY === 'classifier') return;
  const bare = await startBareKoa();
  const bareLoad = await load(bare.url, () => ({ path: '/', body: JSON.stringify({ from: 'u', text: `bench ${Math.random()}` }) }), { connections: CONNECTIONS, seconds: SECONDS });
  await bare.close();
  console.log(`\nbare Koa (parse JSON, answer 202), ${CONNECTIONS} connections, ${SECONDS} s: ${bareLoad.rps.toFixed(0)} req/s, p50 ${bareLoad.p50} ms, p99 ${bareLoad.p99} ms`);

  const only = process.env.BENCH_ONLY; // embedded | production: one backend, for a quick comparison
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-bench-'));
  try {
    if (only !== 'production') printBackend(await benchBackend('embedded (SQLite + in-process queue)', { DATA_DIR: dataDir }), bareLoad);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const wecomDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-bench-'));
  try {
    await benchWecomCallback({ DATA_DIR: wecomDir }, bareLoad);
  } finally {
    rmSync(wecomDir, { recursive: true, force: true });
  }
  if (only === 'embedded') return;
  const production = await productionEnv();
  if (typeof production === 'string') console.log(`\n${production}`);
  else {
    const prodDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-bench-'));
    try {
      printBackend(await benchBackend('production shape (MariaDB + bull on Redis, one process, all roles)', { ...production.env, DATA_DIR: prodDir }), bareLoad);
    } finally {
      await production.cleanup();
      rmSync(prodDir, { recursive: true, force: true });
    }
  }
  if (!only) {
    for (const stored of [...new Set([10_000, GROWTH_ROWS])]) {
      const growthDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-bench-'));
      try {
        printBackend(await benchBackend(`growth: embedded with ${stored.toLocaleString('en')} incidents already stored`, { DATA_DIR: growthDir }, { storedIncidents: stored }), bareLoad);
      } finally {
        rmSync(growthDir, { recursive: true, force: true });
      }
    }
    await benchDeadlineQuery(GROWTH_ROWS);
  }
})().catch((error) => {
  console.error('bench failed:', error);
  process.exit(1);
});
