// 每周反诈提示: on its cron tick every resident group gets this week's anti-fraud tip once — however many
// ticks or schedulers, and when deliveries fail and are retried — the riders' and worker groups none; the
// next week brings the next tip.
import { loadAntiFraudTips, tipOfTheWeek } from '../../handlers/fraud/weeklyTip';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; kind: string }

const tipsIn = async (bot: TestBot, group: Group) =>
  ((await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string }[])
    .filter((m) => m.from === 'bot' && m.text.startsWith('【每周反诈提示】'));

describe('the anti-fraud tip of the week', () => {
  const tips = loadAntiFraudTips();

  it('goes to every resident group once a week, the next tip the week after, through failed deliveries', async () => {
    let now = new Date('2026-11-30T02:00:00Z'); // Monday 10:00 in Asia/Shanghai
    const bot = await startTestBot({ ANTI_FRAUD_TIP_CRON: 'off', QUEUE_RETRY_DELAY_MS: '5' }, false, { clock: () => now });
    try {
      const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
      const tick = (at: string) => {
        now = new Date(at);
        return bot.runtime.context.jobs.enqueue('weeklyTip', { tick: now.toISOString() });
      };
      bot.runtime.sandbox.injectFailures(2);
      await tick('2026-11-30T02:00:00Z'); // Monday 10:00 in Asia/Shanghai
      await tick('2026-11-30T02:00:00Z'); // the same tick from a second scheduler
      await tick('2026-12-03T02:00:00Z'); // a later tick in the same week
      await bot.settle();
      const thisWeek = tipOfTheWeek(tips, '2026-11-30');
      for (const group of groups.filter((g) => g.kind === 'resident')) {
        expect((await tipsIn(bot, group)).map((m) => m.text.split('\n')[0])).toEqual([`【每周反诈提示】${thisWeek.title}`]);
      }
      for (const group of groups.filter((g) => g.kind !== 'resident')) expect(await tipsIn(bot, group)).toHaveLength(0);

      await tick('2026-12-07T02:00:00Z');
      await bot.settle();
      await tick('2026-12-08T02:00:00Z'); // Tuesday: that week's tip is out
      await bot.settle();
      const nextWeek = tipOfTheWeek(tips, '2026-12-07');
      expect(nextWeek.title).not.toBe(thisWeek.title);
      const resident = groups.find((g) => g.kind === 'resident')!;
      expect((await tipsIn(bot, resident)).map((m) => m.text.split('\n')[0])).toEqual([`【每周反诈提示】${thisWeek.title}`, `【每周反诈提示】${nextWeek.title}`]);
      const recorded = (await bot.call('GET', '/api/broadcasts')).body.items.filter((b: { kind: string }) => b.kind === 'weekly_tip');
      expect(recorded).toHaveLength(2);
      expect(recorded[0]).toMatchObject({ groups: groups.filter((g) => g.kind === 'resident').length });
    } finally {
      await bot.stop();
    }
  });

  it('is sent by the scheduler on its cron tick', async () => {
    // Every second, for about two seconds: the first tick sends, the others find this week's tip sent.
    const bot = await startTestBot({ ANTI_FRAUD_TIP_CRON: '* * * * * *' });
    try {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await bot.settle();
      const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
      for (const group of groups.filter((g) => g.kind === 'resident')) expect(await tipsIn(bot, group)).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });

  it('refuses a tips file it cannot read, naming it', () => {
    expect(() => loadAntiFraudTips('/nonexistent/tips.json')).toThrow(/anti-fraud tips \/nonexistent\/tips.json: cannot read JSON/);
  });
});
