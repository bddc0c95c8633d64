// 上门劝阻: a community police officer's "上门 …" in the police group offers a door-to-door task as a card in
// the riders' group (anyone else's is only recorded); the first rider to click 接单 takes it, a later or
// simultaneous click is refused naming the taker and changes nothing; only the taker reports 完成, and the
// police group hears the outcome; an overdue task is reminded once and told to police once however often the
// clock sweeps; the admin API offers, lists and counts them; a repeated delivery offers nothing twice.
import { runServiceClock } from '../../handlers/clock/serviceClock';
import { offerVisitTask } from '../../handlers/fraud/visitTasks';
import { InboundMessage } from '../../storage/entities';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface VisitCard {
  kind: 'visit_task'; id: string; number: string; address: string; state: string; statusLine: string; overdue: boolean;
  takerName: string | null; outcome: { code: string; name: string } | null; fields: { label: string; value: string }[]; buttons: { key: string }[];
}
interface TaskItem { id: string; number: string; address: string; status: string; dueAt: string; takenBy: { userId: string; name: string } | null; outcome: string | null; remindedAt: string | null; escalatedAt: string | null }

describe('door-to-door dissuasion tasks (上门劝阻)', () => {
  let bot: TestBot;
  let groups: Group[];
  // 2026-12-03 10:00 in the street; tests move it on.
  let now = Date.parse('2026-12-03T02:00:00Z');
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', QUIET_HOURS: 'off' }, false, { clock: () => new Date(now) });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot?.stop());

  const policeGroup = () => groups.find((g) => g.kind === 'worker' && g.post === 'POLICE')!;
  const officer = () => policeGroup().members.find((m) => m.posts.includes('POLICE'))!;
  const riderGroup = () => groups.find((g) => g.kind === 'volunteer')!;
  const riders = () => riderGroup().members.filter((m) => m.posts.length === 0);
  const later = (ms = 1000) => (now += ms);

  const say = async (group: Group, from: string, text: string, messageId?: string) => {
    later();
    const sent = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from, text, messageId });
    await bot.settle();
    return sent;
  };
  const messages = async (group: Group) => (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string; card: VisitCard | null }[];
  const botTexts = async (group: Group, marker: string) => (await messages(group)).filter((m) => m.from === 'bot' && !m.card && m.text.includes(marker)).map((m) => m.text);
  const cardOf = async (number: string) => (await messages(riderGroup())).map((m) => m.card).filter((c): c is VisitCard => c?.kind === 'visit_task' && c.number === number);
  const tasks = async (query = '') => (await bot.call('GET', `/api/visit-tasks?limit=500${query}`)).body.items as TaskItem[];
  const act = async (task: { id: string }, userId: string, action: string, extra: Record<string, unknown> = {}) => {
    later();
    const answer = await bot.call('POST', `/sandbox/visit-tasks/${task.id}/actions`, { userId, action, ...extra });
    await bot.settle();
    return answer;
  };
  const offer = async (address: string, dueAt?: string) => {
    later();
    const answer = await bot.call('POST', '/api/visit-tasks', { address, reason: '家里老人被拉进"养老投资"群，准备去银行取钱', by: '枣子湾派出所', ...(dueAt ? { dueAt } : {}) });
    expect(answer.status).toBe(201);
    await bot.settle();
    return answer.body as TaskItem;
  };

  it('offers an officer\'s 上门 in the police group as a card in the riders\' group; anyone else\'s is only recorded', async () => {
    const text = '上门 嘉禾里6栋2单元302 独居老人近期频繁接到冒充公检法电话 明天18点前';
    expect((await say(policeGroup(), officer().userId, text)).status).toBe(202);

    const [task] = await tasks();
    expect(task).toMatchObject({ number: 'H-20261203-0001', status: 'offered', dueAt: '2026-12-04T10:00:00.000Z', takenBy: null, createdBy: expect.stringContaining(officer().name) });
    const [card] = await cardOf(task.number);
    expect(card).toMatchObject({ state: 'offered', address: '嘉禾里6栋2单元302', statusLine: '待接单', buttons: [{ key: 'take' }] });
    expect(card.fields.find((f) => f.label === '原因')!.value).toBe('独居老人近期频繁接到冒充公检法电话');
    expect(await botTexts(policeGroup(), `${task.number} 嘉禾里6栋2单元302 已发到 ${riderGroup().name}`)).toHaveLength(1);
    const stored = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text === text);
    expect(stored).toMatchObject({ status: 'done', outcome: 'visit_task', incidentId: null });

    // The auxiliary officer (辅警) in the police group holds no post: recorded, nothing offered.
    const aux = policeGroup().members.find((m) => !m.posts.includes('POLICE'))!;
    await say(policeGroup(), aux.userId, '上门 桂香苑3栋1单元501 儿子被拉进刷单群 今天18点前');
    expect(await tasks()).toHaveLength(1);
    const recorded = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text.startsWith('上门 桂香苑3栋1单元501'));
    expect(recorded).toMatchObject({ status: 'ignored', incidentId: null });
  });

  it('tells the officer what is wrong with a 上门 it cannot read, and offers nothing', async () => {
    await say(policeGroup(), officer().userId, '上门 嘉禾里6栋2单元302');
    expect(await tasks()).toHaveLength(1);
    const [told] = await botTexts(policeGroup(), '上门任务未发布');
    expect(told).toContain(`@${officer().name}`);
    expect(told).toContain('地址和原因');
  });

  it('gives the task to the first rider; a later click is refused with the taker\'s name and changes nothing', async () => {
    const [task] = await tasks();
    const [first, second] = riders();
    expect((await act(task, officer().userId, 'take')).status).toBe(403);
    const taken = await act(task, first.userId, 'take');
    expect(taken).toMatchObject({ status: 200, body: { changed: true, card: { state: 'taken', takerName: first.name, buttons: [{ key: 'done' }] } } });
    expect((await act(task, first.userId, 'take')).body.changed).toBe(false);

    const refused = await act(task, second.userId, 'take');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain(`已被 ${first.name} 接走`);
    expect((await tasks()).find((t) => t.id === task.id)!.takenBy).toEqual({ userId: first.userId, name: first.name });
    const [card] = await cardOf(task.number);
    expect(card).toMatchObject({ state: 'taken', takerName: first.name });
    expect(card.statusLine).toContain(`${first.name} 已接单`);
    expect(await botTexts(riderGroup(), `${task.number} 嘉禾里6栋2单元302 已由 ${first.name} 接单`)).toHaveLength(1);
  });

  it('gives one taker when two riders click 接单 at the same moment', async () => {
    const task = await offer('幸福路12号2楼');
    const [first, second] = riders();
    later();
    const answers = await Promise.all([first, second].map((rider) => bot.call('POST', `/sandbox/visit-tasks/${task.id}/actions`, { userId: rider.userId, action: 'take' })));
    await bot.settle();
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers[0].status === 200 ? first : second;
    expect(answers.find((a) => a.status === 409)!.body.error).toContain(`已被 ${winner.name} 接走`);
    expect((await tasks()).find((t) => t.id === task.id)!.takenBy!.userId).toBe(winner.userId);
    expect(await botTexts(riderGroup(), `${task.number} 幸福路12号2楼 已由`)).toHaveLength(1);
  });

  it('lets only the taker report it done; 需民警上门 reaches the police group and the card shows the outcome without buttons', async () => {
    const [task] = await tasks('&status=taken').then((items) => items.filter((t) => t.number === 'H-20261203-0001'));
    const [first, second] = riders();
    expect((await act(task, second.userId, 'done', { outcome: 'dissuaded' })).status).toBe(403);
    expect((await act(task, first.userId, 'done')).status).toBe(400);
    expect((await tasks()).find((t) => t.id === task.id)!.status).toBe('taken');

    const done = await act(task, first.userId, 'done', { outcome: 'needs_police', note: '老人坚持说对方是真警察，已经约好明天去银行' });
    expect(done).toMatchObject({ status: 200, body: { changed: true, card: { state: 'done', outcome: { code: 'needs_police', name: '需民警上门' }, buttons: [] } } });
    const [toPolice] = await botTexts(policeGroup(), `${task.number} 嘉禾里6栋2单元302 需民警上门`);
    expect(toPolice).toContain(first.name);
    expect(toPolice).toContain('已经约好明天去银行');
    const [card] = await cardOf(task.number);
    expect(card).toMatchObject({ state: 'done', buttons: [], outcome: { name: '需民警上门' } });
    expect(card.statusLine).toContain('需民警上门');
    // Reported once: the same again changes nothing, another outcome is refused.
    expect((await act(task, first.userId, 'done', { outcome: 'needs_police' })).body.changed).toBe(false);
    expect((await act(task, first.userId, 'done', { outcome: 'dissuaded' })).status).toBe(409);
    expect((await act(task, second.userId, 'take')).status).toBe(409);
  });

  it('reminds the riders once past the by-when and tells the police once two hours after, however often the clock sweeps', async () => {
    const dueAt = new Date(now + 3_600_000).toISOString();
    const task = await offer('龙溪路8号院3栋', dueAt);
    const sweep = async () => {
      const [a, b] = await Promise.all([runServiceClock(bot.runtime.context), runServiceClock(bot.runtime.context)]);
      await bot.settle();
      return [...a.visits, ...b.visits].filter((s) => s.task === task.number).map((s) => s.step);
    };
    const marker = `${task.number} 龙溪路8号院3栋`;

    now = Date.parse(dueAt) - 1000;
    expect(await sweep()).toEqual([]);
    now = Date.parse(dueAt) + 60_000;
    expect(await sweep()).toEqual(['visit_reminder']);
    expect(await sweep()).toEqual([]);
    const [reminder] = await botTexts(riderGroup(), marker);
    expect(reminder).toMatch(/已过截止时间 1 分钟，仍无人接单/);
    const [card] = await cardOf(task.number);
    expect(card).toMatchObject({ overdue: true, state: 'offered' });
    expect(card.statusLine).toContain('已超时');

    // Taken late: the police still hear of it once two hours have passed without a report.
    await act(task, riders()[2].userId, 'take');
    now = Date.parse(dueAt) + 2 * 3_600_000;
    expect(await sweep()).toEqual([]);
    now = Date.parse(dueAt) + 2 * 3_600_000 + 60_000;
    expect(await sweep()).toEqual(['visit_escalation']);
    for (let i = 0; i < 3; i++) {
      later(3_600_000);
      expect(await sweep()).toEqual([]);
    }
    const toPolice = (await botTexts(policeGroup(), marker)).filter((t) => t.includes('超过截止时间'));
    expect(toPolice).toHaveLength(1);
    expect(toPolice[0]).toContain(`${riders()[2].name} 已接单但仍未报告结果`);
    expect((await botTexts(riderGroup(), marker)).filter((t) => t.includes('已过截止时间'))).toHaveLength(1);
    const item = (await tasks()).find((t) => t.id === task.id)!;
    expect(item.remindedAt).not.toBeNull();
    expect(item.escalatedAt).not.toBeNull();
    expect((await cardOf(task.number))[0].statusLine).toContain('已告知民警');
  });

  it('offers one through the admin API, refuses an empty address, and counts them', async () => {
    expect((await bot.call('POST', '/api/visit-tasks', { address: ' ', reason: '冒充客服退款', by: '枣子湾派出所' })).status).toBe(400);
    expect((await bot.call('POST', '/api/visit-tasks', { address: '桂香苑1栋', reason: '冒充客服退款', by: '枣子湾派出所', dueAt: '2020-01-01T00:00:00Z' })).status).toBe(400);
    const task = await offer('桂香苑1栋101');
    expect(task).toMatchObject({ status: 'offered', overdue: false });
    expect(Date.parse(task.dueAt) - now).toBe(24 * 3_600_000);
    expect(await cardOf(task.number)).toHaveLength(1);
    expect((await tasks('&status=offered')).map((t) => t.id)).toContain(task.id);
    expect((await bot.call('GET', `/api/visit-tasks/${task.id}`)).body.number).toBe(task.number);

    const all = await tasks();
    const stats = (await bot.call('GET', '/api/visit-tasks/stats')).body;
    const count = (status: string) => all.filter((t) => t.status === status).length;
    expect(stats).toEqual({
      offered: count('offered'), taken: count('taken'), done: count('done'),
      byOutcome: { dissuaded: 0, not_home: 0, needs_police: 1 },
      overdue: all.filter((t) => (t.status === 'offered' || t.status === 'taken') && Date.parse(t.dueAt) < now).length,
    });
    expect(stats.overdue).toBe(1);
  });

  it('offers one task for a 上门 delivered twice, and a repeated job offers nothing more', async () => {
    const text = '上门 锦绣路3号 孙子被拉进刷单群 今天18点前';
    now = Date.parse('2026-12-04T02:00:00Z');
    await say(policeGroup(), officer().userId, text, 'visit-command-1');
    expect((await say(policeGroup(), officer().userId, text, 'visit-command-1')).body.duplicate).toBe(true);
    const stored = await bot.runtime.context.db.read.findOneByOrFail(InboundMessage, { text });
    const again = await offerVisitTask({ address: '锦绣路3号', reason: '孙子被拉进刷单群', createdBy: 'a retried job', sourceMessage: { ...stored, status: 'received' } }, bot.runtime.context);
    expect(again).toBeNull();
    await bot.settle();
    const mine = (await tasks()).filter((t) => t.address === '锦绣路3号');
    expect(mine).toHaveLength(1);
    expect(mine[0].number).toBe('H-20261204-0001');
    expect(await cardOf(mine[0].number)).toHaveLength(1);
  });
});
