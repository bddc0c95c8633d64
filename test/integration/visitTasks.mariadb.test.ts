// 上门 tasks on MariaDB, where transactions really overlap (SQLite's single write lane would hide a race):
// every rider clicking 接单 at the same moment gives one taker and refusals naming them, and four sweeps of
// the same tick send the overdue reminder and the police notice once each.
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { MARIADB } from '../support/mariadb';
import { describeIfAvailable, mariadbAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; kind: string; members: { userId: string; name: string; posts: string[] }[] }

describeIfAvailable(mariadbAvailability(MARIADB), '上门 tasks on MariaDB', () => {
  let bot: TestBot;
  let riders: Group['members'];
  let now = Date.parse('2026-12-03T02:00:00Z');
  beforeAll(async () => {
    bot = await startTestBot({ QUIET_HOURS: 'off' }, false, { backend: 'mariadb', clock: () => new Date(now) });
    const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
    riders = groups.find((g) => g.kind === 'volunteer')!.members.filter((m) => m.posts.length === 0);
  });
  afterAll(() => bot?.stop());

  const offer = async (address: string, dueAt?: string) => {
    const answer = await bot.call('POST', '/api/visit-tasks', { address, reason: '老人接到"公安局"电话要求转账到安全账户', by: '枣子湾派出所', ...(dueAt ? { dueAt } : {}) });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; number: string };
  };

  it('gives a task one taker when every rider clicks 接单 at once, five times over', async () => {
    expect(riders.length).toBeGreaterThanOrEqual(3);
    for (let round = 0; round < 5; round++) {
      const task = await offer(`嘉禾里${round + 1}栋`);
      await bot.settle();
      const answers = await Promise.all(riders.map((rider) => bot.call('POST', `/sandbox/visit-tasks/${task.id}/actions`, { userId: rider.userId, action: 'take' })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, ...riders.slice(1).map(() => 409)]);
      const winner = riders[answers.findIndex((a) => a.status === 200)];
      for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.error).toContain(`已被 ${winner.name} 接走`);
      expect((await bot.call('GET', `/api/visit-tasks/${task.id}`)).body.takenBy.userId).toBe(winner.userId);
    }
    await bot.settle();
  });

  it('sends the overdue reminder and the police notice once each with four sweeps at the same tick', async () => {
    const dueAt = new Date(now + 3_600_000).toISOString();
    const task = await offer('桂香苑5栋', dueAt);
    await bot.settle();
    const sweepsAtOnce = async () => {
      const ticks = await Promise.all(Array.from({ length: 4 }, () => runServiceClock(bot.runtime.context)));
      await bot.settle();
      return ticks.flatMap((t) => t.visits.filter((s) => s.task === task.number).map((s) => s.step));
    };
    now = Date.parse(dueAt) + 1000;
    expect(await sweepsAtOnce()).toEqual(['visit_reminder']);
    now = Date.parse(dueAt) + 2 * 3_600_000 + 1000;
    expect(await sweepsAtOnce()).toEqual(['visit_escalation']);
    expect(await sweepsAtOnce()).toEqual([]);
  });
});
