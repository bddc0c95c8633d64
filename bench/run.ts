// `npm run bench`: figures for the embedded mode. Classifier speed, the time from a resident's message to
// the HTTP acknowledgement and to the dispatched incident, start-up time, and memory. Not a test: it
// prints numbers and ratios for the issue notes, and fails only if the flow itself breaks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../config';
import { fromProjectRoot } from '../config/projectRoot';
import { settle } from '../bot/queue/settle';
import { startRuntime } from '../bot/runtime';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { IsNull, Not } from 'typeorm';
import { loadTaxonomy } from '../seeds/taxonomy';
import { InboundMessage, OutboundMessage } from '../storage/entities';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 300);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function benchClassifier(): void {
  const texts = readFileSync(fromProjectRoot('test', 'fixtures', 'dev-messages.jsonl'), 'utf8')
    .split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { text: string }).text);
  const classifier = new RuleClassifier(loadTaxonomy());
  for (const text of texts) classifier.classifyText(text); // warm up
  const rounds = 20;
  const started = performance.now();
  for (let r = 0; r < rounds; r++) for (const text of texts) classifier.classifyText(text);
  const elapsed = performance.now() - started;
  const perMessage = elapsed / (rounds * texts.length);
  console.log('rule classifier');
  console.log(`  ${rounds * texts.length} classifications in ${ms(elapsed)}: ${(1000 / perMessage).toFixed(0)} messages/s, ${(perMessage * 1000).toFixed(1)} µs each`);
}

async function benchPipeline(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-bench-'));
  const rssBefore = process.memoryUsage().rss;
  const bootStarted = performance.now();
  // The pipeline's speed, not the flood guard: a handful of residents post hundreds of reports here.
  const config = loadConfig({ PORT: '0', DATA_DIR: dataDir, FLOOD_SENDER_PER_MINUTE: '10000', FLOOD_GROUP_PER_MINUTE: '100000' });
  const runtime = await startRuntime(config, { log: pino({ level: 'silent' }) });
  const health = await fetch(`${runtime.url}/healthz`);
  const bootMs = performance.now() - bootStarted;
  if (health.status !== 200) throw new Error(`not healthy after start: ${health.status}`);
  try {
    const groups = (await (await fetch(`${runtime.url}/sandbox/groups`)).json()) as { groups: { id: string; kind: string; members: { userId: string; posts: string[] }[] }[] };
    const residentGroups = groups.groups.filter((g) => g.kind === 'resident');
    const samples = ['楼道飞线充电，电线从窗户吊下来', '小区门口的井盖不见了', '广场舞音响太大声了吵得睡不着', '外墙瓷砖掉下来差点砸到人', '垃圾三天没人收了'];
    const ackTimes: number[] = [];
    const started = performance.now();
    let next = 0;
    // CLIENTS residents post at once, as a busy evening in several groups would.
    const client = async () => {
      for (let i = next++; i < REPORTS; i = next++) {
        const group = residentGroups[i % residentGroups.length];
        const resident = group.members.filter((m) => m.posts.length === 0)[i % 5];
        const t0 = performance.now();
        const res = await fetch(`${runtime.url}/sandbox/groups/${group.id}/messages`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ from: resident.userId, text: `${samples[i % samples.length]}（第${i}次）` }),
        });
        ackTimes.push(performance.now() - t0);
        if (res.status !== 202) throw new Error(`report ${i} answered ${res.status}`);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, client));
    const ackedAt = performance.now() - started;
    await settle(runtime.queue);
    const doneAt = performance.now() - started;

    // Stored → receipt delivered, per report, from the database's own timestamps.
    const { read } = runtime.context.db;
    const received = new Map((await read.find(InboundMessage, { select: { id: true, receivedAt: true } })).map((m) => [m.id, m.receivedAt]));
    const receipts = await read.find(OutboundMessage, { where: { kind: 'text', replyToMessageId: Not(IsNull()) }, select: { replyToMessageId: true, sentAt: true } });
    if (receipts.length !== REPORTS) throw new Error(`expected ${REPORTS} receipts, found ${receipts.length}`);
    const receipt = receipts.map((r) => r.sentAt!.getTime() - received.get(r.replyToMessageId!)!.getTime()).sort((a, b) => a - b);
    const acks = [...ackTimes].sort((a, b) => a - b);
    const rssAfter = process.memoryUsage().rss;
    console.log(`\nembedded pipeline (SQLite + in-process queue): ${REPORTS} reports over HTTP from ${CLIENTS} clients at once`);
    console.log(`  start-up to healthy: ${ms(bootMs)}`);
    console.log(`  HTTP 202 acknowledgement: p50 ${ms(percentile(acks, 50))}, p95 ${ms(percentile(acks, 95))}, max ${ms(acks.at(-1)!)}`);
    console.log(`  stored → receipt delivered: p50 ${ms(percentile(receipt, 50))}, p95 ${ms(percentile(receipt, 95))}, max ${ms(receipt.at(-1)!)}`);
    // WeCom drops a callback not answered within 5 s (docs/platforms.md); that is the budget acks spend.
    console.log(`  ratio p95 acknowledgement / WeCom's 5 s callback window: ${(percentile(acks, 95) / 5000).toFixed(3)}`);
    console.log(`  all acknowledged after ${ms(ackedAt)}, all dispatched and delivered after ${ms(doneAt)}: ${(REPORTS / (doneAt / 1000)).toFixed(0)} reports/s (each 1 incident, 1–4 cards, 1 receipt)`);
    console.log(`  memory: rss ${mb(rssBefore)} before start, ${mb(rssAfter)} after ${REPORTS} reports (+${mb(rssAfter - rssBefore)})`);
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

(async () => {
  benchClassifier();
  await benchPipeline();
})().catch((error) => {
  console.error('bench failed:', error);
  process.exit(1);
});
