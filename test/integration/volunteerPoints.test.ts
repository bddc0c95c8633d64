// Volunteer points (积分): a rider earns points for a report that becomes a case (first reporter only, more
// for a red one) and for a door-to-door task done; chat, a neighbour's joined report and a resident who is
// no volunteer earn none; nothing pays twice; 我的积分 answers with the total and rank; the admin API lists
// the top volunteers.
import { loadPointRules } from '../../handlers/volunteers/points';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; members: Member[] }

describe('volunteer points', () => {
  const rules = loadPointRules();
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100' });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const riders = () => groups.find((g) => g.kind === 'volunteer')!;
  const rider = (n: number) => riders().members.filter((m) => m.posts.length === 0)[n];
  const post = async (group: Group, from: Member, text: string) => {
    expect((await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: from.userId, text })).status).toBe(202);
    await bot.settle();
  };
  const table = async () => (await bot.call('GET', '/api/volunteers/points?all=true&limit=50')).body.items as { name: string; userId: string; points: number; reports: number; visits: number; rank: number }[];
  const pointsOf = async (who: Member) => (await table()).find((row) => row.userId === who.userId)?.points ?? 0;

  it('pays a rider for a report that becomes a case, more for a red one, and nothing for chat or a joined report', async () => {
    await post(riders(), rider(0), '【随手拍】送单路过枣子湾路28号，门口的井盖没了，一个大黑洞，晚上很危险');
    expect(await pointsOf(rider(0))).toBe(rules.report);
    // The same manhole from another rider joins the first case: the first reporter only is paid.
    await post(riders(), rider(1), '【随手拍】枣子湾路28号门口井盖被偷了，差点骑车掉进去');
    expect(await pointsOf(rider(1))).toBe(0);
    await post(riders(), rider(1), '今天单子好多，跑不赢了哈哈');
    expect(await pointsOf(rider(1))).toBe(0);
    await post(riders(), rider(1), '【随手拍】桂香苑南门外面一辆电瓶车在充电时起火了，火苗蹿得老高，旁边还停着好多车');
    expect(await pointsOf(rider(1))).toBe(rules.report + rules.criticalReportBonus);
  });

  it('pays no resident who is not a volunteer', async () => {
    const residents = groups.find((g) => g.kind === 'resident')!;
    const resident = residents.members.find((m) => m.posts.length === 0)!;
    await post(residents, resident, '9栋门口的路灯坏了好几天，晚上黑黢黢的');
    expect((await table()).some((row) => row.userId === resident.userId)).toBe(false);
  });

  it('pays the rider who completed a door-to-door task, once', async () => {
    const created = await bot.call('POST', '/api/visit-tasks', { address: '嘉禾里6栋2单元302', reason: '独居老人近期多次接到冒充公检法的电话', by: '潘伟（社区警务岗）' });
    expect(created.status).toBe(201);
    const { id } = created.body;
    const before = await pointsOf(rider(2));
    expect((await bot.call('POST', `/sandbox/visit-tasks/${id}/actions`, { userId: rider(2).userId, action: 'take' })).status).toBe(200);
    const done = { userId: rider(2).userId, action: 'done', outcome: 'dissuaded', note: '老人已知晓，电话已拉黑' };
    expect((await bot.call('POST', `/sandbox/visit-tasks/${id}/actions`, done)).status).toBe(200);
    expect((await bot.call('POST', `/sandbox/visit-tasks/${id}/actions`, done)).status).toBe(200); // a repeated click
    await bot.settle();
    expect(await pointsOf(rider(2))).toBe(before + rules.visitDone.dissuaded);
  });

  it('answers 我的积分 with the total and the rank, and lists the top volunteers', async () => {
    const standings = await table();
    expect(standings.map((row) => row.points)).toEqual([...standings.map((row) => row.points)].sort((a, b) => b - a));
    const asker = rider(1);
    const rank = standings.findIndex((row) => row.userId === asker.userId) + 1;
    await post(riders(), asker, '我的积分');
    const answers = ((await bot.call('GET', `/sandbox/groups/${riders().id}/messages?limit=500`)).body.messages as { from: string; text: string }[])
      .filter((m) => m.from === 'bot' && m.text.startsWith('【志愿积分】') && m.text.includes(asker.name));
    expect(answers).toHaveLength(1);
    expect(answers[0].text).toContain(`${rules.report + rules.criticalReportBonus} 分`);
    expect(answers[0].text).toContain(`排第 ${rank} 名`);
    // The question is no report.
    expect(((await bot.call('GET', '/api/incidents?limit=500')).body.items as { text: string }[]).some((i) => i.text === '我的积分')).toBe(false);
  });
});
