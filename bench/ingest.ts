// Ingest against its ceiling: autocannon at 50 connections for 10 s posting distinct reports, beside a bare
// Koa server that only parses the JSON and answers 202, started here in the same run. Then the pipeline:
// how long until every accepted report has its cards handed to the adapter. The bot and the bare server each
// run in a process of their own; autocannon runs here.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import path from 'node:path';

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
}

const SAMPLES = [
  '楼道有人飞线充电，电线从窗户吊下来给电瓶车充电',
  '外墙的瓷砖掉下来了，差点砸到人',
  '小区门口广场舞音响开得太大了，晚上十点还在跳',
  '消防通道被私家车堵死了，救护车进不来',
  '路灯坏了一个多星期了，晚上黑漆漆的',
  '井盖不见了，晚上走路很危险',
];

/** The bare Koa server of bench/bareKoaServer.ts, in a process of its own. */
export async function startBareKoa(): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'bareKoaServer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const found = /listening on (\S+)/.exec(out);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`bare Koa exited with ${code}`)));
  });
  return {
    url,
    close: () => new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** Distinct reports from the residents of the given groups, round-robin. */
export function reportRequests(runtimeGroups: { id: string; residents: string[] }[], startAt = 0) {
  let n = startAt;
  return {
    next() {
      const i = n++;
      const group = runtimeGroups[i % runtimeGroups.length];
      return {
        path: `/sandbox/groups/${group.id}/messages`,
        body: JSON.stringify({ from: group.residents[i % group.residents.length], text: `${(i % 40) + 1}栋${SAMPLES[i % SAMPLES.length]}（第${i}号）` }),
      };
    },
    get sent() {
      return n - startAt;
    },
  };
}

export async function load(url: string, next: () => { path: string; body: string }, options: { connections: number; seconds: number; rate?: number }): Promise<Load> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, ...next() }),
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, non2xx: result.non2xx };
}

export async function residentGroups(url: string) {
  const response = await fetch(`${url}/sandbox/groups`);
  const { groups } = (await response.json()) as { groups: { id: string; kind: string; members: { userId: string; posts: string[] }[] }[] };
  return groups.filter((g) => g.kind === 'resident').map((g) => ({ id: g.id, residents: g.members.filter((m) => m.posts.length === 0).map((m) => m.userId) }));
}

/** Waits until the bot's queues are empty twice in a row (read from its /healthz). */
export async function waitUntilIdle(url: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idle = 0;
  while (idle < 2) {
    const health = (await (await fetch(`${url}/healthz`)).json()) as { queue: { queues?: Record<string, { waiting: number; running: number; delayed: number }> } };
    const busy = Object.values(health.queue.queues ?? {}).some((q) => q.waiting + q.running + q.delayed > 0);
    idle = busy ? 0 : idle + 1;
    if (Date.now() > deadline) throw new Error('the bot did not drain its queues in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
