// The closed loop and the resolve clock, with a controllable clock: 80% heads-up and 督办 once each; quiet
// hours hold a reminder to one person until morning; 退回 → 改派 moves the case and restarts its deadlines in
// a new round; 上报 raises the level; the resident's 不满意 reopens and 满意 closes; no answer closes after
// AUTO_CLOSE_H; a number query answers the state; a restart between steps continues without repeating.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { startTestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface CardView { id: string; incidentId: string; role: string; post: string; state: string; statusLine: string; fields: { label: string; value: string }[]; buttons: { key: string; text: string }[] }
interface Summary { id: string; number: string; status: string; leadPost: string; level: string; urgency: string; createdAt: string; acceptBy: string; resolveBy: string; resolvedAt: string | null; closedAt: string | null; reopenCount: number; satisfaction: string | null; clockRound: number; overdue: boolean }

const HOUR = 3_600_000;
let clockAt = Date.now();
const setClock = (iso: string | number, plusMs = 0) => (clockAt = new Date(iso).getTime() + plusMs);

async function harness(env: Record<string, string> = {}) {
  const bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0', ...env }, Boolean(env.DATA_DIR), { clock: () => new Date(clockAt) });
  const groups: Group[] = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const residentGroup = groups.find((g) => g.kind === 'resident')!;
  const residents = residentGroup.members.filter((m) => m.posts.length === 0);
  const workerGroup = (post: string) => groups.find((g) => g.kind === 'worker' && g.post === post)!;
  const memberOf = (post: string) => workerGroup(post).members.find((m) => m.posts.includes(post))!;
  const command = groups.find((g) => g.kind === 'command')!;

  const say = async (from: Member, text: string) => {
    expect((await bot.call('POST', `/sandbox/groups/${residentGroup.id}/messages`, { from: from.userId, text })).status).toBe(202);
    await bot.settle();
  };
  const incident = async (id: string): Promise<Summary & { timeline: { type: string; note: string | null }[] }> => (await bot.call('GET', `/api/incidents/${id}`)).body;
  const report = async (text: string, from = residents[0]): Promise<Summary> => {
    await say(from, text);
    const items: (Summary & { text: string })[] = (await bot.call('GET', '/api/incidents?limit=500')).body.items;
    const found = items.find((i) => i.text === text);
    if (!found) throw new Error(`no incident for ${text}`);
    return found;
  };
  const messages = async (group: Group) =>
    (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string; card: CardView | null }[];
  const botTexts = async (group: Group, number: string) => (await messages(group)).filter((m) => m.from === 'bot' && !m.card && m.text.includes(number)).map((m) => m.text);
  const cardOf = async (post: string, incidentId: string, group = workerGroup(post)) =>
    (await messages(group)).map((m) => m.card).find((c): c is CardView => c?.incidentId === incidentId && c.post === post)!;
  const act = async (card: CardView, userId: string, key: string, extra: Record<string, unknown> = {}) => {
    const res = await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId, key, ...extra });
    await bot.settle();
    return res;
  };
  const tick = async () => {
    const result = await runServiceClock(bot.runtime.context);
    await bot.settle();
    return result;
  };
  const stepsFor = async (number: string) => (await tick()).steps.filter((s) => s.incident === number).map((s) => s.step);
  return { bot, groups, residentGroup, residents, workerGroup, memberOf, command, say, incident, report, messages, botTexts, cardOf, act, tick, stepsFor };
}

describe('the resolve clock and the loop', () => {
  let h: Awaited<ReturnType<typeof harness>>;
  beforeAll(async () => {
    h = await harness({ QUIET_HOURS: '22:00-07:00', AUTO_CLOSE_H: '72' });
  });
  afterAll(() => h?.bot.stop());

  it('warns the accepting worker at 80% of the resolve limit, then sends 督办 to the post and the command centre once, and the card reads 已超时', async () => {
    setClock('2026-12-07T02:00:00Z'); // 10:00 in the street
    const found = await h.report('7栋门口的路灯坏了，晚上黑漆漆的');
    const worker = h.memberOf(found.leadPost);
    expect((await h.act(await h.cardOf(found.leadPost, found.id), worker.userId, 'accept')).status).toBe(200);
    const created = new Date(found.createdAt).getTime();
    const limit = new Date(found.resolveBy).getTime() - created;

    setClock(created + 0.8 * limit - 60_000);
    expect(await h.stepsFor(found.number)).toEqual([]);
    setClock(created + 0.8 * limit + 1000);
    expect(await h.stepsFor(found.number)).toEqual(['resolve_warning']);
    expect(await h.stepsFor(found.number)).toEqual([]);
    const [warning] = (await h.botTexts(h.workerGroup(found.leadPost), found.number)).filter((t) => t.startsWith('【临期提醒】'));
    expect(warning).toContain(`@${worker.name}`);

    setClock(found.resolveBy, 1000);
    const [a, b] = await Promise.all([runServiceClock(h.bot.runtime.context), runServiceClock(h.bot.runtime.context)]);
    await h.bot.settle();
    expect([...a.steps, ...b.steps].filter((s) => s.incident === found.number).map((s) => s.step)).toEqual(['resolve_overdue']);
    expect(await h.stepsFor(found.number)).toEqual([]);
    expect((await h.botTexts(h.workerGroup(found.leadPost), found.number)).filter((t) => t.startsWith('【督办】'))).toHaveLength(1);
    expect((await h.botTexts(h.command, found.number)).filter((t) => t.startsWith('🔴【督办】'))).toHaveLength(1);
    const card = await h.cardOf(found.leadPost, found.id);
    expect(card.fields.find((f) => f.label === '办结时限')!.value).toMatch(/已超时 1 秒/);
    expect((await h.incident(found.id)).overdue).toBe(true);
  });

  it('holds the leader\'s reminder of a non-critical case through quiet hours and sends it in the morning; a critical one goes at night', async () => {
    setClock('2026-12-08T15:00:00Z'); // 23:00 in the street
    const found = await h.report('9栋门口的路灯坏了好几盏，晚上看不见路');
    const critical = await h.report('9栋电梯困人了，里面有个老人，按警铃没人应', h.residents[1]);
    expect(critical.urgency).toBe('critical');
    const interval = new Date(found.acceptBy).getTime() - new Date(found.createdAt).getTime();
    expect(interval).toBeLessThan(2 * HOUR); // all three steps fall inside quiet hours

    setClock(found.acceptBy, 2 * interval + 1000);
    const night = (await h.tick()).steps;
    expect(night.filter((s) => s.incident === found.number).map((s) => s.step)).toEqual(['accept_reminder', 'accept_command']);
    expect(night.filter((s) => s.incident === critical.number).map((s) => s.step)).toEqual(['accept_reminder', 'accept_command', 'accept_leader']);

    setClock('2026-12-08T22:59:00Z'); // 06:59
    expect(await h.stepsFor(found.number)).toEqual([]);
    setClock('2026-12-08T23:00:30Z'); // 07:00
    expect(await h.stepsFor(found.number)).toEqual(['accept_leader']);
    expect(await h.stepsFor(found.number)).toEqual([]);
  });

  it('returns a misrouted case to the dispatcher with its reason; 改派 moves it, restarts its deadlines in a new round and tells the resident', async () => {
    setClock('2026-12-09T02:00:00Z');
    const found = await h.report('12栋楼道里有人飞线充电，电线从窗户吊下来');
    expect(found.leadPost).toBe('FIRE');
    setClock(found.acceptBy, 1000);
    expect(await h.stepsFor(found.number)).toEqual(['accept_reminder']);

    const fire = h.memberOf('FIRE');
    expect((await h.act(await h.cardOf('FIRE', found.id), fire.userId, 'return', { note: '是物业管理问题，不属消防' })).status).toBe(200);
    const dispatcher = h.memberOf('DISPATCH');
    const dispatchCard = await h.cardOf('DISPATCH', found.id);
    expect(dispatchCard.buttons.map((b) => b.text)).toEqual(['接办', '改派']);
    expect(dispatchCard.fields.find((f) => f.label === '退回理由')!.value).toContain('是物业管理问题，不属消防');

    const refused = await h.act(dispatchCard, dispatcher.userId, 'reroute', { reroute: { leadPost: 'NOPE' } });
    expect(refused.status).toBe(400);
    const rerouteAt = Date.parse(found.acceptBy) + 60_000;
    setClock(rerouteAt);
    const rerouted = await h.act(dispatchCard, dispatcher.userId, 'reroute', { reroute: { leadPost: 'GRID', assistPosts: ['ENFORCEMENT'] }, note: '请网格员协调物业' });
    expect(rerouted.status).toBe(200);
    expect(rerouted.body.card).toMatchObject({ state: 'rerouted', buttons: [] });

    const moved = await h.incident(found.id);
    expect(moved).toMatchObject({ status: 'dispatched', leadPost: 'GRID', clockRound: 1 });
    expect(Date.parse(moved.acceptBy)).toBeGreaterThan(rerouteAt);
    expect(moved.timeline.map((t) => t.type)).toContain('rerouted');
    expect((await h.cardOf('FIRE', found.id)).state).toBe('returned');
    expect((await h.cardOf('GRID', found.id))).toMatchObject({ state: 'pending', role: 'lead' });
    expect((await h.cardOf('ENFORCEMENT', found.id))).toMatchObject({ state: 'pending', role: 'assist' });
    expect((await h.botTexts(h.residentGroup, found.number)).filter((t) => t.startsWith('【已改派】'))).toHaveLength(1);

    // The new round has its own ladder: GRID is reminded at the new deadline, not before.
    setClock(moved.acceptBy, -1000);
    expect(await h.stepsFor(found.number)).toEqual([]);
    setClock(moved.acceptBy, 1000);
    expect(await h.stepsFor(found.number)).toEqual(['accept_reminder']);
    expect((await h.botTexts(h.workerGroup('GRID'), found.number)).filter((t) => t.startsWith('【催办】'))).toHaveLength(1);

    // Returned a second time: the dispatcher's card comes back with the new reason and its buttons.
    expect((await h.act(await h.cardOf('GRID', found.id), h.memberOf('GRID').userId, 'return', { note: '物业说要执法部门出面' })).status).toBe(200);
    const again = await h.cardOf('DISPATCH', found.id);
    expect(again).toMatchObject({ state: 'pending', statusLine: '待接单' });
    expect(again.buttons.map((b) => b.text)).toEqual(['接办', '改派']);
    expect(again.fields.find((f) => f.label === '退回理由')!.value).toContain('物业说要执法部门出面');
  });

  it('上报 raises the level, tells the next level\'s group and the resident, and leaves the case accepted', async () => {
    setClock('2026-12-10T02:00:00Z');
    const found = await h.report('14栋楼道堆满了纸箱，消防通道都堵了');
    const worker = h.memberOf(found.leadPost);
    const card = await h.cardOf(found.leadPost, found.id);
    await h.act(card, worker.userId, 'accept');
    expect((await h.act(card, worker.userId, 'escalate')).status).toBe(400); // needs a reason
    const escalated = await h.act(card, worker.userId, 'escalate', { note: '涉及多个单位，需街道协调' });
    expect(escalated.status).toBe(200);
    const detail = await h.incident(found.id);
    expect(detail).toMatchObject({ status: 'accepted', level: 'street' });
    const streetGroup = h.groups.find((g) => g.name === '街道综治中心处置群')!;
    expect((await h.botTexts(streetGroup, found.number)).filter((t) => t.startsWith('【上报】'))).toHaveLength(1);
    expect((await h.botTexts(h.residentGroup, found.number)).some((t) => t.startsWith('【已上报】'))).toBe(true);
    expect(escalated.body.card.fields.find((f: { label: string }) => f.label === '处置层级').value).toBe('街道');
  });

  it('reopens on 不满意 with the resident\'s words and a new deadline, and closes on a bare 满意', async () => {
    setClock('2026-12-11T02:00:00Z');
    const resident = h.residents[2];
    const found = await h.report('16栋门口电瓶车乱停，把盲道都占了', resident);
    const worker = h.memberOf(found.leadPost);
    const card = await h.cardOf(found.leadPost, found.id);
    await h.act(card, worker.userId, 'accept');
    setClock('2026-12-11T03:00:00Z');
    await h.act(card, worker.userId, 'resolve', { note: '已劝离' });
    const [resolution] = (await h.botTexts(h.residentGroup, found.number)).filter((t) => t.startsWith('【已办结】'));
    expect(resolution).toContain(`@${resident.name}`);
    expect(resolution).toContain(`${found.number} 满意`);

    setClock('2026-12-11T05:00:00Z');
    await h.say(resident, `${found.number} 电瓶车又推回来了，还是没解决`);
    const reopened = await h.incident(found.id);
    expect(reopened).toMatchObject({ status: 'accepted', reopenCount: 1, satisfaction: 'dissatisfied', resolvedAt: null, clockRound: 1 });
    expect(Date.parse(reopened.resolveBy)).toBeGreaterThan(Date.parse('2026-12-11T05:00:00Z'));
    expect(reopened.timeline.find((t) => t.type === 'reopened')!.note).toContain('电瓶车又推回来了');
    const reopenedCard = await h.cardOf(found.leadPost, found.id);
    expect(reopenedCard.state).toBe('accepted');
    expect(reopenedCard.buttons.map((b) => b.key)).toContain('resolve');
    expect(reopenedCard.fields.find((f) => f.label === '居民反馈')!.value).toContain('还是没解决');
    expect((await h.botTexts(h.workerGroup(found.leadPost), found.number)).some((t) => t.startsWith('【重办】'))).toBe(true);
    expect((await h.botTexts(h.residentGroup, found.number)).some((t) => t.startsWith('【重新办理】'))).toBe(true);
    expect((await h.bot.call('GET', '/api/incidents?limit=500')).body.items.filter((i: { text: string }) => i.text.includes('电瓶车又推回来了'))).toEqual([]);

    await h.act(reopenedCard, worker.userId, 'resolve', { note: '已联系车主挪走并加装隔离桩' });
    await h.say(resident, '满意');
    expect(await h.incident(found.id)).toMatchObject({ status: 'closed', satisfaction: 'satisfied', reopenCount: 1 });
    expect((await h.botTexts(h.residentGroup, found.number)).some((t) => t.startsWith('【已结案】'))).toBe(true);
    expect((await h.cardOf(found.leadPost, found.id)).buttons).toEqual([]);
  });

  it('closes a resolution nobody answers after AUTO_CLOSE_H, once', async () => {
    setClock('2026-12-12T02:00:00Z');
    const found = await h.report('18栋楼下垃圾桶满了好几天没人收，臭得很');
    const worker = h.memberOf(found.leadPost);
    const card = await h.cardOf(found.leadPost, found.id);
    await h.act(card, worker.userId, 'accept');
    await h.act(card, worker.userId, 'resolve', { note: '已清运' });
    setClock('2026-12-12T02:00:00Z', 72 * HOUR - 1000);
    expect((await h.tick()).closed).not.toContain(found.number);
    setClock('2026-12-12T02:00:00Z', 72 * HOUR + 1000);
    expect((await h.tick()).closed).toContain(found.number);
    expect((await h.tick()).closed).not.toContain(found.number);
    expect(await h.incident(found.id)).toMatchObject({ status: 'closed', satisfaction: null });
    expect((await h.botTexts(h.residentGroup, found.number)).filter((t) => t.startsWith('【已结案】') && t.includes('自动结案'))).toHaveLength(1);
  });

  it('answers a question about a case number with its state, and an unknown number with how to find it', async () => {
    setClock('2026-12-13T02:00:00Z');
    const found = await h.report('20栋外墙有瓷砖掉下来，差点砸到人');
    const neighbour = h.residents[3];
    await h.say(neighbour, `${found.number} 进度怎么样`);
    const answers = (await h.messages(h.residentGroup)).filter((m) => m.from === 'bot' && m.text.startsWith('【办理进度】'));
    expect(answers.at(-1)!.text).toContain(`@${neighbour.name}`);
    expect(answers.at(-1)!.text).toContain(found.number);
    expect(answers.at(-1)!.text).toContain('待接单');
    // A neighbour's 满意 is not the reporter's verdict: the case stays as it is.
    expect((await h.incident(found.id)).status).toBe('dispatched');

    await h.say(neighbour, 'A-20991231-9999 怎么还没人处理');
    expect((await h.botTexts(h.residentGroup, 'A-20991231-9999')).some((t) => t.includes(`@${neighbour.name} 没有找到编号 A-20991231-9999`))).toBe(true);
    const stored = (await h.bot.call('GET', `/api/messages?groupId=${h.residentGroup.id}&limit=500`)).body.items.filter((m: { sender: string }) => m.sender === neighbour.userId);
    expect(stored.map((m: { status: string }) => m.status)).toEqual(['done', 'done']);
  });
});

describe('a restart between clock steps', () => {
  it('continues the ladder with the next step and repeats none', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-restart-'));
    const first = await harness({ QUIET_HOURS: 'off', DATA_DIR: dataDir });
    setClock('2026-12-14T02:00:00Z');
    const found = await first.report('22栋门口的路灯坏了，晚上黑漆漆的');
    const interval = Date.parse(found.acceptBy) - Date.parse(found.createdAt);
    setClock(found.acceptBy, 1000);
    expect(await first.stepsFor(found.number)).toEqual(['accept_reminder']);
    await first.bot.stop();

    const second = await harness({ QUIET_HOURS: 'off', DATA_DIR: dataDir });
    try {
      expect(await second.stepsFor(found.number)).toEqual([]);
      setClock(found.acceptBy, interval + 1000);
      expect(await second.stepsFor(found.number)).toEqual(['accept_leader']);
      const reminders = (await second.botTexts(second.workerGroup(found.leadPost), found.number)).filter((t) => t.startsWith('【催办'));
      expect(reminders).toHaveLength(2);
    } finally {
      await second.bot.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
