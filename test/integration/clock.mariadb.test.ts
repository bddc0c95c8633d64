// The clock's exactly-once on MariaDB, where sweeps really run side by side on separate connections (SQLite's
// one serialised connection would hide a race): four sweeps of the same tick take each step once.
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { MARIADB } from '../support/mariadb';
import { describeIfAvailable, mariadbAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; kind: string; post: string | null; members: { userId: string; posts: string[] }[] }

describeIfAvailable(mariadbAvailability(MARIADB), 'the service-level clock on MariaDB', () => {
  let bot: TestBot;
  let clockAt = Date.parse('2026-12-07T02:00:00Z');
  beforeAll(async () => {
    bot = await startTestBot({ QUIET_HOURS: 'off', FLOOD_SENDER_PER_MINUTE: '100' }, false, { backend: 'mariadb', clock: () => new Date(clockAt) });
  });
  afterAll(() => bot?.stop());

  const sweepsAtOnce = async (n: number) => {
    const ticks = await Promise.all(Array.from({ length: n }, () => runServiceClock(bot.runtime.context)));
    await bot.settle();
    return ticks.flatMap((t) => t.steps.map((s) => s.step)).sort();
  };

  it('takes every accept and resolve step once however many sweeps run at the same tick', async () => {
    const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
    const residentGroup = groups.find((g) => g.kind === 'resident')!;
    const resident = residentGroup.members.find((m) => m.posts.length === 0)!;
    await bot.call('POST', `/sandbox/groups/${residentGroup.id}/messages`, { from: resident.userId, text: '7栋门口的路灯坏了，晚上黑漆漆的' });
    await bot.settle();
    const [found] = (await bot.call('GET', '/api/incidents')).body.items as { id: string; leadPost: string; createdAt: string; acceptBy: string; resolveBy: string }[];
    const interval = Date.parse(found.acceptBy) - Date.parse(found.createdAt);

    clockAt = Date.parse(found.acceptBy) + 1000;
    expect(await sweepsAtOnce(4)).toEqual(['accept_reminder']);
    clockAt = Date.parse(found.acceptBy) + 2 * interval + 1000;
    expect(await sweepsAtOnce(4)).toEqual(['accept_command', 'accept_leader']);
    expect(await sweepsAtOnce(4)).toEqual([]);

    clockAt = Date.parse(found.resolveBy) + 1000;
    expect(await sweepsAtOnce(4)).toEqual(['resolve_overdue']);
    const timeline = (await bot.call('GET', `/api/incidents/${found.id}`)).body.timeline.map((t: { type: string }) => t.type);
    expect(timeline.filter((t: string) => /^(accept|resolve)_/.test(t)).sort()).toEqual(['accept_command', 'accept_leader', 'accept_reminder', 'resolve_overdue']);
  });
});
