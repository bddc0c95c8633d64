// One incident for many reports: neighbours reporting one broken manhole cover in their own words make one
// case with them all as reporters, filed under the grid of the place they name (not each one's home grid);
// a different problem at the same building is its own case; a report naming no place is asked where, and
// the answer joins it; the third case of one kind at one place in 30 days tells the dispatcher (一类事).
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface Card { incidentId: string; fields: { label: string; value: string }[] }
interface Message { from: string; text: string; card: Card | null }
interface Incident { id: string; number: string; text: string; category: string; reportCount: number; place: string; placeKey: string | null }

describe('one incident for many reports', () => {
  let bot: TestBot;
  let groups: Group[];
  let now = new Date('2026-12-01T02:00:00Z');
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100' }, false, { clock: () => now });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const guixiangyuan = () => groups.find((g) => g.kind === 'resident' && g.name.includes('桂香苑'))!;
  const resident = (group: Group, name: string) => group.members.find((m) => m.name === name)!;
  const conversation = async (group: Group): Promise<Message[]> => (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages;
  const post = async (group: Group, from: Member, text: string) => {
    expect((await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: from.userId, text })).status).toBe(202);
    await bot.settle();
  };
  const incidents = async (): Promise<Incident[]> => (await bot.call('GET', '/api/incidents?limit=500')).body.items;
  const caseOf = async (text: string) => (await incidents()).find((i) => i.text === text);
  const incidentWith = async (messageText: string) => {
    const messages = (await bot.call('GET', '/api/messages?limit=500')).body.items as { text: string; incidentId: string | null }[];
    return messages.find((m) => m.text === messageText)?.incidentId ?? null;
  };

  it('joins three neighbours\' reports of one missing manhole cover into one case at the place\'s grid', async () => {
    const group = guixiangyuan();
    const first = '8栋门口的井盖不见了，黑洞洞的一个坑，晚上走路太危险了';
    const second = '桂香苑8号楼楼下井盖被人偷了，刚才差点一脚踩进去';
    const third = '八栋门口那个井盖没了！！娃儿放学要从那里过';
    // Three residents living in three different grids.
    await post(group, resident(group, '李建国'), first);
    now = new Date(now.getTime() + 10 * 60_000);
    await post(group, resident(group, '张桂芳'), second);
    now = new Date(now.getTime() + 10 * 60_000);
    await post(group, resident(group, '陈淑华'), third);

    const opened = (await caseOf(first))!;
    expect(opened).toMatchObject({ category: 'municipal_facility', reportCount: 3, placeKey: 'c.guixiangyuan/桂香苑/8栋' });
    expect(await caseOf(second)).toBeUndefined();
    expect(await incidentWith(second)).toBe(opened.id);
    expect(await incidentWith(third)).toBe(opened.id);

    const detail = (await bot.call('GET', `/api/incidents/${opened.id}`)).body;
    expect(detail.reporters.map((r: { name: string }) => r.name)).toEqual(['李建国', '张桂芳', '陈淑华']);
    expect(detail.timeline.filter((e: { type: string }) => e.type === 'joined_report')).toHaveLength(2);
    expect(detail.place).toContain('桂香苑第一网格'); // 8栋 is the first grid's, wherever the reporters live

    const replies = (await conversation(group)).filter((m) => m.from === 'bot' && m.text.includes(opened.number));
    expect(replies.filter((m) => m.text.startsWith('【已在处理】') && m.text.includes('已有邻居反映'))).toHaveLength(2);
    const municipal = groups.find((g) => g.kind === 'worker' && g.post === 'MUNICIPAL')!;
    const card = (await conversation(municipal)).find((m) => m.card?.incidentId === opened.id)!.card!;
    expect(card.fields.find((f) => f.label === '报告人')?.value).toBe('×3');
  });

  it('keeps a different problem at the same building its own case', async () => {
    const group = guixiangyuan();
    const text = '8栋门口那盏路灯坏了一个星期了，晚上黑黢黢的';
    now = new Date(now.getTime() + 10 * 60_000);
    await post(group, resident(group, '刘德明'), text);
    const own = await caseOf(text);
    expect(own).toBeDefined();
    expect(own!.reportCount).toBe(1);
  });

  it('asks where when no place is named, and joins the answer to the case', async () => {
    const group = guixiangyuan();
    const who = resident(group, '杨光荣');
    const text = '楼道里的声控灯全坏了，老人上下楼摸黑';
    now = new Date(now.getTime() + 10 * 60_000);
    await post(group, who, text);
    const asked = (await caseOf(text))!;
    const receipt = (await conversation(group)).find((m) => m.from === 'bot' && m.text.includes(asked.number) && m.text.startsWith('【受理回执】'))!;
    expect(receipt.text).toContain('在哪个小区哪一栋');

    now = new Date(now.getTime() + 2 * 60_000);
    await post(group, who, '在12栋2单元');
    const answered = (await bot.call('GET', `/api/incidents/${asked.id}`)).body;
    expect(answered.place).toContain('12栋2单元');
    expect(answered.placeKey).toBe('c.guixiangyuan/桂香苑/12栋');
    expect(answered.timeline.some((e: { type: string }) => e.type === 'place_given')).toBe(true);
    expect(await caseOf('在12栋2单元')).toBeUndefined();
    expect((await conversation(group)).some((m) => m.from === 'bot' && m.text.startsWith('【已补充位置】') && m.text.includes(asked.number))).toBe(true);
  });

  it('never joins two people\'s fraud reports', async () => {
    const group = guixiangyuan();
    const a = '我妈刚才接到电话说她医保卡被冻结了，对方让她报银行卡号，我们住8栋';
    const b = '我爸刚才也接到电话说医保卡被冻结了，对方让他报银行卡号，也是8栋';
    await post(group, resident(group, '王秀英'), a);
    await post(group, resident(group, '李建国'), b);
    expect(await caseOf(a)).toBeDefined();
    expect(await caseOf(b)).toBeDefined();
  });

  it('tells the dispatcher once when one kind of problem keeps coming back at one place', async () => {
    const group = guixiangyuan();
    const dispatch = groups.find((g) => g.kind === 'worker' && g.post === 'DISPATCH')!;
    const reports = [
      '3栋楼下的雨水井又堵了，一下雨水就漫到单元门口',
      '3栋门口那个下水道口被树叶塞满了，积水好深',
      '3栋门口排水沟又堵了，下雨积水淹到单元门口',
      '3栋楼下雨水篦子又堵了，水排不出去',
    ];
    for (const [i, text] of reports.entries()) {
      now = new Date(now.getTime() + 3 * 86_400_000); // days apart: separate cases, not one report joined
      await post(group, resident(group, i % 2 ? '刘德明' : '王秀英'), text);
      expect(await caseOf(text)).toBeDefined();
    }
    const notices = (await conversation(dispatch)).filter((m) => m.from === 'bot' && m.text.startsWith('【一类事提醒】'));
    expect(notices).toHaveLength(1);
    expect(notices[0].text).toContain('3 起');
  });
});
