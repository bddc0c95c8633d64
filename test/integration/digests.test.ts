// The command centre's digests and the five-star rating, against a seeded day of known figures: on
// 2026-12-02 four cases come in — A accepted and resolved on time and confirmed 满意, B accepted and resolved
// on time then reopened (不满意), C accepted late, D never accepted — and E, from the day before, is still open.
// 日调度 states exactly those numbers, once however many ticks; 周复盘 sets the week against the week before;
// 月晾晒 lists every post; /api/ratings gives the stars the weights file's formula gives.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface CardView { id: string; incidentId: string; post: string }
interface Summary { id: string; number: string; leadPost: string; createdAt: string; acceptBy: string; resolveBy: string; status: string }
interface Rate { rate: number | null; met: number; of: number }
interface Figures { count: number; onTimeAccept: Rate; onTimeResolve: Rate; reopen: Rate; satisfaction: Rate }

const weightsFile = JSON.parse(readFileSync(path.join(__dirname, '../../seeds/rating-weights.json'), 'utf8')) as {
  weights: Record<string, number>;
  stars: { max: number; decimals: number };
};

/** The formula written out again from the weights file: parts without data are left out, the rest renormalised. */
function expectedStars(f: Figures): number | null {
  const parts: Record<string, number | null> = {
    onTimeAccept: f.onTimeAccept.rate,
    onTimeResolve: f.onTimeResolve.rate,
    reopen: f.reopen.rate === null ? null : 1 - f.reopen.rate,
    satisfaction: f.satisfaction.rate,
    dailyTasks: null,
  };
  const counted = Object.entries(parts).filter(([part, value]) => value !== null && weightsFile.weights[part] > 0);
  if (!counted.length) return null;
  const total = counted.reduce((sum, [part]) => sum + weightsFile.weights[part], 0);
  const score = counted.reduce((sum, [part, value]) => sum + weightsFile.weights[part] * value!, 0) / total;
  const factor = 10 ** weightsFile.stars.decimals;
  return Math.round(score * weightsFile.stars.max * factor) / factor;
}

describe('the command centre digests and the five-star rating', () => {
  let clockAt = Date.parse('2026-11-25T02:00:00Z');
  const setClock = (at: string | number, plusMs = 0) => (clockAt = new Date(at).getTime() + plusMs);

  it('sends 日调度, 周复盘 and 月晾晒 once each with the seeded figures, and rates by the weights file', async () => {
    const bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0', DIGEST_DAILY_CRON: 'off', DIGEST_WEEKLY_CRON: 'off', DIGEST_MONTHLY_CRON: 'off' }, false, {
      clock: () => new Date(clockAt),
    });
    try {
      const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
      const residentGroup = groups.find((g) => g.kind === 'resident')!;
      const resident = residentGroup.members.filter((m) => m.posts.length === 0)[0];
      const command = groups.find((g) => g.kind === 'command')!;
      const workerGroup = (post: string) => groups.find((g) => g.kind === 'worker' && g.post === post)!;
      const memberOf = (post: string) => workerGroup(post).members.find((m) => m.posts.includes(post))!;
      const messages = async (group: Group) =>
        (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string; card: CardView | null }[];
      const say = async (text: string) => {
        expect((await bot.call('POST', `/sandbox/groups/${residentGroup.id}/messages`, { from: resident.userId, text })).status).toBe(202);
        await bot.settle();
      };
      const report = async (text: string): Promise<Summary> => {
        await say(text);
        const found = ((await bot.call('GET', '/api/incidents?limit=500')).body.items as (Summary & { text: string })[]).find((i) => i.text === text);
        if (!found) throw new Error(`no incident for ${text}`);
        return found;
      };
      const act = async (incident: Summary, key: string, extra: Record<string, unknown> = {}) => {
        const card = (await messages(workerGroup(incident.leadPost))).map((m) => m.card).find((c) => c?.incidentId === incident.id && c.post === incident.leadPost)!;
        expect((await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: memberOf(incident.leadPost).userId, key, ...extra })).status).toBe(200);
        await bot.settle();
      };
      const digests = async (prefix: string) => (await messages(command)).filter((m) => m.from === 'bot' && m.text.startsWith(prefix)).map((m) => m.text);
      const run = async (job: 'dailyDigest' | 'weeklyDigest' | 'monthlyDigest', at: string) => {
        setClock(at);
        await bot.runtime.context.jobs.enqueue(job, { tick: new Date(clockAt).toISOString() });
        await bot.settle();
      };

      // The week before: one case, G.
      setClock('2026-11-25T02:00:00Z');
      const g = await report('20栋外墙有瓷砖掉下来，差点砸到人');
      await act(g, 'accept');
      // The day before: E, accepted, still open.
      setClock('2026-12-01T02:00:00Z');
      const e = await report('18栋楼下垃圾桶满了好几天没人收，臭得很');
      await act(e, 'accept');

      // The seeded day, 2026-12-02 from 10:00 local.
      setClock('2026-12-02T02:00:00Z');
      const a = await report('7栋门口的路灯坏了，晚上黑漆漆的');
      const b = await report('16栋门口电瓶车乱停，把盲道都占了');
      const c = await report('9栋门口的路灯坏了好几盏，晚上看不见路');
      const d = await report('14栋楼道堆满了纸箱，消防通道都堵了');
      setClock('2026-12-02T02:05:00Z');
      await act(a, 'accept');
      await act(b, 'accept');
      setClock('2026-12-02T02:30:00Z');
      await act(a, 'resolve', { note: '已更换灯泡' });
      await act(b, 'resolve', { note: '已劝离' });
      setClock('2026-12-02T03:00:00Z');
      await say(`${a.number} 满意`);
      await say(`${b.number} 电瓶车又推回来了，还是没解决`);
      setClock(c.acceptBy, 60_000);
      await act(c, 'accept');
      const seeded = await Promise.all([a, b, c, d, e].map(async (i) => (await bot.call('GET', `/api/incidents/${i.id}`)).body as Summary));
      // Past their limits at the day's end (16:00Z): E's and B's (reopened, a new limit that day) resolve limits,
      // D's accept limit; G's resolve limit long before.
      const [, seededB, , seededD, seededE] = seeded;
      for (const late of [seededB.resolveBy, seededD.acceptBy, seededE.resolveBy, g.resolveBy]) expect(Date.parse(late)).toBeLessThan(Date.parse('2026-12-02T16:00:00Z'));
      expect(seeded.map((i) => i.status)).toEqual(['closed', 'accepted', 'accepted', 'dispatched', 'accepted']);

      // 日调度 on 12-03 08:30, twice.
      await run('dailyDigest', '2026-12-03T00:30:00Z');
      await run('dailyDigest', '2026-12-03T00:30:00Z');
      await run('dailyDigest', '2026-12-03T01:30:00Z');
      const daily = await digests('【日调度】');
      expect(daily).toHaveLength(1);
      expect(daily[0].split('\n').slice(0, 2)).toEqual(['【日调度】2026-12-02', '新增 4 件，按时受理 2/4（50%），办结 1 件，超期 4 件，重开 1 件']);
      expect(daily[0].split('最久未办结：\n')[1].split('\n').map((line) => line.split(' ')[1])).toEqual([g.number, e.number, b.number]);

      // 周复盘 on Monday 12-07 09:00: 11-30 to 12-06 (A–E) against 11-23 to 11-29 (G).
      await run('weeklyDigest', '2026-12-07T01:00:00Z');
      await run('weeklyDigest', '2026-12-07T01:00:05Z');
      const weekly = await digests('【周复盘】');
      expect(weekly).toHaveLength(1);
      expect(weekly[0]).toContain('【周复盘】2026-11-30 起一周');
      expect(weekly[0]).toContain('· 新增：5（上周 1，+4）');
      expect(weekly[0]).toContain('· 重开：1（上周 0，+1）');

      // 月晾晒 on 2027-01-01: December, every post in a line.
      await run('monthlyDigest', '2027-01-01T01:00:00Z');
      await run('monthlyDigest', '2027-01-01T02:00:00Z');
      const monthly = await digests('【月晾晒】');
      expect(monthly).toHaveLength(1);
      const posts: { code: string; name: string }[] = JSON.parse(readFileSync(path.join(__dirname, '../../seeds/taxonomy.json'), 'utf8')).posts;
      for (const post of posts) expect(monthly[0]).toMatch(new RegExp(`· ${post.name}：新增 \\d+`));

      // 五星评价 of the seeded day: the weights file's numbers, post by post and grid by grid.
      setClock('2026-12-03T00:30:00Z');
      const stats = (await bot.call('GET', '/api/stats?from=2026-12-02&to=2026-12-02')).body as { byPost: (Figures & { post: string })[]; byGrid: (Figures & { grid: string })[] };
      const ratings = await bot.call('GET', '/api/ratings?from=2026-12-02&to=2026-12-02');
      expect(ratings.status).toBe(200);
      expect(ratings.body.formula).toEqual({ weights: weightsFile.weights, stars: weightsFile.stars });
      expect(ratings.body.posts.map((p: { code: string; stars: number | null }) => [p.code, p.stars])).toEqual(stats.byPost.map((p) => [p.post, expectedStars(p)]));
      expect(ratings.body.grids.map((p: { code: string; stars: number | null }) => [p.code, p.stars])).toEqual(stats.byGrid.map((p) => [p.grid, expectedStars(p)]));
      expect(ratings.body.workers.length).toBeGreaterThan(0);
      expect((await bot.call('GET', '/api/ratings?from=2026-12-03&to=2026-12-02')).status).toBe(400);
    } finally {
      await bot.stop();
    }
  });
});
