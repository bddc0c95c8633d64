// Several processes on one MariaDB and one Redis, as a deployment runs: a web process, a scheduler and two
// worker processes share 200 reports with no incident, card or receipt twice; a worker SIGKILLed mid-run
// leaves its jobs to the other (bull hands over a running job; the scheduler's relay queues again what was
// committed but not yet queued when it died), and each still happens once.
import { MARIADB } from '../support/mariadb';
import { TEST_REDIS_URL } from '../support/redis';
import { startBotProcess, type BotProcess } from '../support/botProcess';
import { AVAILABLE, describeIfAvailable, mariadbAvailability, redisAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

const mariadb = mariadbAvailability(MARIADB);
const services = mariadb === AVAILABLE ? redisAvailability(TEST_REDIS_URL) : mariadb;

describeIfAvailable(services, 'worker processes on MariaDB and bull', () => {
  let web: TestBot;
  let workers: BotProcess[] = [];
  let scheduler: BotProcess | undefined;
  const env = { FLOOD_SENDER_PER_MINUTE: '10000', FLOOD_GROUP_PER_MINUTE: '100000', BULL_LOCK_MS: '2000' };

  beforeAll(async () => {
    web = await startTestBot({ ...env, ROLE: 'web' }, false, { backend: 'mariadb+bull' });
  });
  afterAll(async () => {
    await Promise.all([...workers, ...(scheduler ? [scheduler] : [])].map((w) => w.stop()));
    await web?.stop();
  });

  const startRole = (role: 'worker' | 'scheduler', extra: Record<string, string> = {}) => {
    const { config } = web.runtime;
    if (config.database.type === 'better-sqlite3' || config.queue.kind !== 'bull') throw new Error('the web bot must run on MariaDB and bull');
    return startBotProcess({ ...env, ROLE: role, DATABASE_URL: config.database.url, REDIS_URL: config.queue.redisUrl, BULL_PREFIX: config.queue.prefix, QUEUE_RETRY_DELAY_MS: '50', ...extra });
  };
  const startWorker = () => startRole('worker');
  async function postReports(from: number, count: number) {
    const groups = (await web.call('GET', '/sandbox/groups')).body.groups.filter((g: { kind: string }) => g.kind === 'resident');
    for (let i = from; i < from + count; i += 1) {
      const group = groups[i % groups.length];
      const residents = group.members.filter((m: { posts: string[] }) => m.posts.length === 0);
      const res = await web.call('POST', `/sandbox/groups/${group.id}/messages`, { from: residents[i % residents.length].userId, text: `${i}号楼楼道有人飞线充电，电线从窗户吊下来（第${i}户）` });
      if (res.status !== 202) throw new Error(`report ${i} answered ${res.status}`);
    }
  }
  async function waitUntilHandled(total: number, timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = (await web.call('GET', '/api/messages?status=received&limit=1')).body.total;
      const pending = (await web.call('GET', '/api/outbox?status=pending&limit=1')).body.total;
      const done = (await web.call('GET', '/api/messages?status=done&limit=1')).body.total;
      if (received === 0 && pending === 0 && done === total) return;
      if (Date.now() > deadline) throw new Error(`after ${timeoutMs} ms: ${done}/${total} done, ${received} received, ${pending} pending\n${workers.map((w) => w.output().slice(-2000)).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  async function expectEachOnce(total: number) {
    const incidents = (await web.call('GET', '/api/incidents?limit=500')).body;
    expect(incidents.total).toBe(total);
    expect(new Set(incidents.items.map((i: { text: string }) => i.text)).size).toBe(total);
    const outbox = (await web.call('GET', '/api/outbox?limit=500&offset=0')).body.items.concat(
      (await web.call('GET', '/api/outbox?limit=500&offset=500')).body.items,
      (await web.call('GET', '/api/outbox?limit=500&offset=1000')).body.items,
    );
    const receipts = outbox.filter((o: { kind: string; text: string }) => o.kind === 'text' && o.text.includes('受理回执'));
    expect(receipts).toHaveLength(total);
    expect(new Set(receipts.map((r: { incidentId: string }) => r.incidentId)).size).toBe(total);
    const cards = outbox.filter((o: { kind: string }) => o.kind === 'card');
    const perIncident = new Map<string, number>();
    for (const card of cards) perIncident.set(card.incidentId, (perIncident.get(card.incidentId) ?? 0) + 1);
    // One card per post, and a red case's lead card in the command centre as well.
    const expectedCards = (incident: { assistPosts: string[]; urgency: string }) => 1 + incident.assistPosts.length + (incident.urgency === 'critical' ? 1 : 0);
    for (const incident of incidents.items) expect(perIncident.get(incident.id)).toBe(expectedCards(incident));
    expect(outbox.every((o: { status: string }) => o.status === 'sent')).toBe(true);
  }

  it('shares 200 reports between two worker processes, each report handled once', async () => {
    [scheduler, ...workers] = await Promise.all([startRole('scheduler', { RELAY_AFTER_SECONDS: '3', RELAY_EVERY_SECONDS: '1' }), startWorker(), startWorker()]);
    await postReports(0, 200);
    await waitUntilHandled(200);
    await expectEachOnce(200);
  }, 300_000);

  it('finishes the jobs of a worker SIGKILLed mid-run on the other, each effect once', async () => {
    await postReports(200, 100);
    const [victim] = workers;
    // Kill it while it is busy: some of the 100 are done, others are its running jobs.
    for (;;) {
      const done = (await web.call('GET', '/api/messages?status=done&limit=1')).body.total;
      if (done >= 220) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await victim.stop('SIGKILL');
    await waitUntilHandled(300);
    await expectEachOnce(300);
  }, 300_000);
});
