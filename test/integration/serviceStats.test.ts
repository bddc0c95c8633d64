// GET /api/stats over a scripted day: three cases, one kept every promise, one accepted late and reopened
// once, one nobody accepted; the figures are checked exactly, overall and by post, category, grid and day.
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; kind: string; post: string | null; members: Member[] }
interface CardView { id: string; incidentId: string; post: string }

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-12-16T01:00:00Z'); // 09:00 in the street
let clockAt = T0;
let bot: TestBot;
let groups: Group[];

beforeAll(async () => {
  bot = await startTestBot({ QUIET_HOURS: 'off', FLOOD_SENDER_PER_MINUTE: '100' }, false, { clock: () => new Date(clockAt) });
  groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
});
afterAll(() => bot?.stop());

const residentGroup = () => groups.find((g) => g.kind === 'resident')!;
const residents = () => residentGroup().members.filter((m) => m.posts.length === 0);
const memberOf = (post: string) => groups.find((g) => g.kind === 'worker' && g.post === post)!.members.find((m) => m.posts.includes(post))!;
const at = (ms: number) => (clockAt = T0 + ms);
async function say(from: Member, text: string) {
  await bot.call('POST', `/sandbox/groups/${residentGroup().id}/messages`, { from: from.userId, text });
  await bot.settle();
}
async function report(from: Member, text: string) {
  await say(from, text);
  const items = (await bot.call('GET', '/api/incidents?limit=500')).body.items as { id: string; number: string; text: string; leadPost: string; category: string }[];
  return items.find((i) => i.text === text)!;
}
async function act(incident: { id: string; leadPost: string }, key: string, note?: string) {
  const group = groups.find((g) => g.kind === 'worker' && g.post === incident.leadPost)!;
  const messages = (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { card: CardView | null }[];
  const card = messages.map((m) => m.card).find((c) => c?.incidentId === incident.id && c.post === incident.leadPost)!;
  const res = await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: memberOf(incident.leadPost).userId, key, ...(note ? { note } : {}) });
  expect(res.status).toBe(200);
  await bot.settle();
}

it('measures on-time accept and resolve, 24-hour closure, reopens and satisfaction of a scripted day', async () => {
  const [wang, li, zhang] = residents();
  at(0);
  const kept = await report(wang, '7栋门口的路灯坏了，晚上黑漆漆的');
  const reopened = await report(li, '12栋楼道里有人飞线充电，电线从窗户吊下来');
  const ignored = await report(zhang, '18栋楼下垃圾桶满了好几天没人收，臭得很');
  expect(new Set([kept.leadPost, reopened.leadPost, ignored.leadPost]).size).toBe(3);

  at(5 * MINUTE); await act(kept, 'accept');
  at(2 * HOUR); await act(kept, 'resolve', '已更换灯泡');
  at(3 * HOUR); await say(wang, `${kept.number} 满意`);

  at(20 * MINUTE); await act(reopened, 'accept'); // its limit is 10 minutes: late
  at(3 * HOUR); await act(reopened, 'resolve', '已拆除飞线');
  at(4 * HOUR); await say(li, `${reopened.number} 不满意，晚上又拉出来了`);
  at(5 * HOUR); await act(reopened, 'resolve', '已没收充电线并张贴告知书');
  at(6 * HOUR); await say(li, `${reopened.number} 满意`);

  at(30 * HOUR);
  const stats = (await bot.call('GET', '/api/stats?from=2026-12-16&to=2026-12-16')).body;
  expect(stats).toMatchObject({ from: '2026-12-15T16:00:00.000Z', to: '2026-12-16T16:00:00.000Z', timeZone: 'Asia/Shanghai' });
  expect(stats.overall).toEqual({
    count: 3,
    open: 1,
    onTimeAccept: { rate: 0.3333, met: 1, of: 3 },
    onTimeResolve: { rate: 0.6667, met: 2, of: 3 },
    closedWithin24h: { rate: 0.6667, met: 2, of: 3 },
    reopen: { rate: 0.5, met: 1, of: 2 },
    satisfaction: { rate: 1, met: 2, of: 2 },
  });
  const post = (code: string) => stats.byPost.find((p: { post: string }) => p.post === code);
  expect(post(kept.leadPost)).toMatchObject({ count: 1, onTimeAccept: { met: 1, of: 1 }, closedWithin24h: { met: 1, of: 1 } });
  expect(post(reopened.leadPost)).toMatchObject({ count: 1, onTimeAccept: { met: 0, of: 1 }, onTimeResolve: { met: 1, of: 1 }, reopen: { met: 1, of: 1 } });
  expect(post(ignored.leadPost)).toMatchObject({ count: 1, open: 1, onTimeAccept: { met: 0, of: 1 }, onTimeResolve: { met: 0, of: 1 }, satisfaction: { rate: null, of: 0 } });
  expect(post(kept.leadPost).postName).toBeTruthy();
  expect(stats.byCategory.map((c: { category: string }) => c.category).sort()).toEqual([kept.category, reopened.category, ignored.category].sort());
  expect(stats.byDay).toEqual([expect.objectContaining({ day: '2026-12-16', count: 3 })]);
  expect(stats.byGrid.reduce((sum: number, g: { count: number }) => sum + g.count, 0)).toBe(3);
  expect(stats.byGrid.every((g: { gridName: string }) => g.gridName.length > 0)).toBe(true);

  // A day with nothing reported has nothing decided, and says so rather than 0%.
  const empty = (await bot.call('GET', '/api/stats?from=2026-12-17&to=2026-12-17')).body;
  expect(empty.overall).toMatchObject({ count: 0, onTimeAccept: { rate: null, met: 0, of: 0 } });
});

it('refuses a period it cannot answer, with the reason', async () => {
  for (const [query, reason] of [
    ['from=2026-12-17&to=2026-12-16', /must be before/],
    ['from=yesterday', /from.*date/],
    ['from=2025-01-01&to=2026-12-16', /over 366 days/],
    ['since=2026-12-01', /since/],
  ] as const) {
    const res = await bot.call('GET', `/api/stats?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(reason);
  }
  expect((await bot.call('GET', '/api/stats')).status).toBe(200);
});
