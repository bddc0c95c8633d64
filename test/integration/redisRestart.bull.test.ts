// Redis restarted mid-run (a redis-server of the test's own, on another port: never the shared one). It comes
// back empty: the queued jobs are gone, but every message was stored first, and the relay queues what is
// unfinished again. Nothing is lost, nothing happens twice, and the bot is never restarted.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { MARIADB } from '../support/mariadb';
import { AVAILABLE, describeIfAvailable, mariadbAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0 ? AVAILABLE : 'the Redis restart test needs redis-server on the PATH';
const mariadb = mariadbAvailability(MARIADB);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return child;
}

describeIfAvailable(mariadb === AVAILABLE ? hasRedisServer : mariadb, 'Redis restarted during a run', () => {
  let bot: TestBot;
  let redis: ChildProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    bot = await startTestBot(
      { REDIS_URL: `redis://127.0.0.1:${port}`, BULL_PREFIX: 'restart-test', RELAY_AFTER_SECONDS: '2', RELAY_EVERY_SECONDS: '1', FLOOD_SENDER_PER_MINUTE: '10000' },
      false,
      { backend: 'mariadb' },
    );
  });
  afterAll(async () => {
    await bot?.stop();
    redis?.kill('SIGKILL');
  });

  it('loses no message and doubles none', async () => {
    const group = (await bot.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
    const residents = group.members.filter((m: { posts: string[] }) => m.posts.length === 0);
    const post = async (i: number) => {
      const started = Date.now();
      const res = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: residents[i % residents.length].userId, text: `${i}号楼门口的路灯坏了，晚上黑漆漆的（${i}）` });
      return { status: res.status, ms: Date.now() - started };
    };
    for (let i = 0; i < 20; i += 1) expect((await post(i)).status).toBe(202);

    redis.kill('SIGKILL');
    await new Promise((resolve) => redis.once('exit', resolve));
    const health = await bot.call('GET', '/healthz');
    expect(health.status).toBe(503);
    expect(health.body.queue.status).toMatch(/^error/);
    // Stored while Redis is down, and answered within the enqueue bound, not after Redis's retries.
    for (let i = 20; i < 30; i += 1) {
      const answer = await post(i);
      expect(answer.status).toBe(202);
      expect(answer.ms).toBeLessThan(3000);
    }

    redis = await startRedis(port);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const done = (await bot.call('GET', '/api/messages?status=done&limit=1')).body.total;
      const pending = (await bot.call('GET', '/api/outbox?status=pending&limit=1')).body.total;
      if (done === 30 && pending === 0) break;
      if (Date.now() > deadline) throw new Error(`only ${done} of 30 handled, ${pending} deliveries pending, a minute after Redis came back`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const incidents = (await bot.call('GET', '/api/incidents?limit=500')).body;
    expect(incidents.total).toBe(30);
    expect(new Set(incidents.items.map((i: { text: string }) => i.text)).size).toBe(30);
    expect((await bot.call('GET', '/healthz')).status).toBe(200);
  }, 120_000);
});
