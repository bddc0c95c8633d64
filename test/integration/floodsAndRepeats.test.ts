// Floods and repeats: everything is stored; a sender or group over its limit is throttled with one notice
// per flood to the grid worker; the same report again joins its open case; a quote of the bot is no report.
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; name: string; kind: string; post: string | null; members: { userId: string; name: string; posts: string[] }[] }

let bot: TestBot;
let groups: Group[];
const residentGroups = () => groups.filter((g) => g.kind === 'resident');
const residentsOf = (group: Group) => group.members.filter((m) => m.posts.length === 0);
const gridGroup = () => groups.find((g) => g.kind === 'worker' && g.post === 'GRID')!;
const say = (group: Group, from: string, text: string) => bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from, text });
const delivered = async (group: Group): Promise<string[]> =>
  (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages.filter((m: { from: string }) => m.from === 'bot').map((m: { text: string }) => m.text);
const messages = async (query: string) => (await bot.call('GET', `/api/messages?limit=500&${query}`)).body;
const incidentsBy = async (userId: string) => (await bot.call('GET', '/api/incidents?limit=500')).body.items.filter((i: { reporter: string }) => i.reporter === userId);

beforeAll(async () => {
  bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '10', FLOOD_GROUP_PER_MINUTE: '40' });
  groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
});
afterAll(() => bot?.stop());

it('joins 20 identical reports from one resident to one incident: one set of cards, the number in every reply', async () => {
  const [group] = residentGroups();
  const resident = residentsOf(group)[0];
  const text = '小区东门消防通道被三辆私家车堵死了，救护车进不来';
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => say(group, resident.userId, i % 2 ? text : ` ${text}！`)));
  expect(answers.every((a) => a.status === 202)).toBe(true);
  await bot.settle();

  const opened = await incidentsBy(resident.userId);
  expect(opened).toHaveLength(1);
  const detail = (await bot.call('GET', `/api/incidents/${opened[0].id}`)).body;
  const cards = (await bot.call('GET', `/api/outbox?limit=500`)).body.items.filter((i: { kind: string; incidentId: string }) => i.kind === 'card' && i.incidentId === opened[0].id);
  expect(cards).toHaveLength(1 + opened[0].assistPosts.length);
  const joined = detail.timeline.filter((t: { type: string }) => t.type === 'repeat_report').length;
  const throttled = (await messages(`status=throttled&groupId=${group.id}`)).items.filter((m: { sender: string }) => m.sender === resident.userId).length;
  expect(joined + throttled).toBe(19); // over the limit of 10 a minute the rest is throttled, not opened
  expect(joined).toBe(9);
  const replies = (await delivered(group)).filter((t) => t.includes(opened[0].number) && t.includes('已在处理'));
  expect(replies).toHaveLength(joined);
});

it('throttles one sender over 10 a minute: all stored, the rest not classified, one notice to the grid worker', async () => {
  const [, group] = residentGroups();
  const flooder = residentsOf(group)[0];
  const before = (await delivered(gridGroup())).filter((t) => t.includes('刷屏提醒')).length;
  for (let i = 0; i < 25; i += 1) expect((await say(group, flooder.userId, `第${i}号楼下水道堵了，污水冒出来了（${i}）`)).status).toBe(202);
  await bot.settle();

  const mine = (await messages(`groupId=${group.id}`)).items.filter((m: { sender: string }) => m.sender === flooder.userId);
  expect(mine).toHaveLength(25);
  expect(mine.filter((m: { status: string }) => m.status === 'throttled')).toHaveLength(15);
  expect(mine.find((m: { status: string }) => m.status === 'throttled').decidedBy).toMatch(/flood guard: \d+ messages in a minute from this sender \(limit 10\)/);
  // The ten within the limit are each handled: an incident, or a triage card when the classifier is unsure.
  const triaged = mine.filter((m: { status: string; outcome: string }) => m.status === 'done' && m.outcome === 'triage').length;
  expect((await incidentsBy(flooder.userId)).length + triaged).toBe(10);
  const notices = (await delivered(gridGroup())).filter((t) => t.includes('刷屏提醒'));
  expect(notices.length - before).toBe(1);
  expect(notices.at(-1)).toContain(flooder.name);
});

it('throttles a group over 40 a minute from many senders, with one notice for the group', async () => {
  const [, group] = residentGroups();
  const before = (await delivered(gridGroup())).filter((t) => t.includes('刷屏提醒')).length;
  const others = residentsOf(group).slice(1);
  const burst = others.flatMap((resident, r) => Array.from({ length: 8 }, (_, i) => ({ resident, text: `${r}单元${i}楼的声控灯坏了（${r}-${i}）` })));
  for (const { resident, text } of burst) await say(group, resident.userId, text);
  await bot.settle();
  const inGroup = (await messages(`groupId=${group.id}`)).items;
  const stored = inGroup.filter((m: { text: string }) => /声控灯/.test(m.text));
  expect(stored).toHaveLength(burst.length);
  // 25 from the flooder above are in the same minute: the group passes 40 after 15 of these.
  expect(stored.filter((m: { status: string }) => m.status === 'throttled').length).toBe(burst.length - 15);
  const notices = (await delivered(gridGroup())).filter((t) => t.includes('刷屏提醒'));
  expect(notices.length - before).toBe(1);
  expect(notices.at(-1)).toContain(group.name);
});

it('does not take a pasted or imitated bot notice as a new report, but a resident\'s own 【紧急】 still is', async () => {
  const [group] = residentGroups();
  const resident = residentsOf(group)[2];
  for (const text of [
    '【办结通知】A-20261202-0001 已由消防安全岗 办结：已拆除飞线',
    '【受理回执】编号 A-20261202-0003\n类别：消防隐患（红色紧急）\n已派：消防安全岗主办',
    '“【已办结】A-20261202-0002 已由城市更新岗 办结：外墙瓷砖已清理',
  ]) {
    expect((await say(group, resident.userId, text)).status).toBe(202);
  }
  await bot.settle();
  expect(await incidentsBy(resident.userId)).toHaveLength(0);
  const mine = (await messages(`groupId=${group.id}`)).items.filter((m: { sender: string }) => m.sender === resident.userId);
  expect(mine.map((m: { status: string }) => m.status)).toEqual(['ignored', 'ignored', 'ignored']);
  expect(mine[0].decidedBy).toMatch(/quotes the bot/);

  await say(group, resident.userId, '【紧急】3栋2单元楼道着火了，烟好大');
  await bot.settle();
  const [fire] = await incidentsBy(resident.userId);
  expect(fire).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical' });
});
