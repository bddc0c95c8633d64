// Scam bait in a residents' group: one warning naming the scam, one alert card to police with the sender,
// the group and the counts — one per sender and text a day, however often it is reposted — while ordinary
// adverts, lost-pet notices and reposted police warnings give none, and police work on an alert is never
// announced to the person who posted the bait.
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface Card { id: string; incidentId: string; fields: { label: string; value: string }[] }
interface Message { from: string; text: string; card: Card | null }

describe('scam bait in a residents\' group', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100' });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const residentGroups = () => groups.filter((g) => g.kind === 'resident');
  const residentsOf = (group: Group) => group.members.filter((m) => m.posts.length === 0);
  const police = () => groups.find((g) => g.kind === 'worker' && g.post === 'POLICE')!;
  const conversation = async (group: Group): Promise<Message[]> => (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages;
  const warningsIn = async (group: Group, words: string) =>
    (await conversation(group)).filter((m) => m.from === 'bot' && m.text.startsWith('【反诈提醒】') && m.text.includes(words));
  const post = async (group: Group, from: Member, text: string) => {
    expect((await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: from.userId, text })).status).toBe(202);
    await bot.settle();
  };
  const alertsFor = async (text: string) =>
    ((await bot.call('GET', '/api/incidents?category=scam_content&limit=500')).body.items as { id: string; number: string; text: string }[]).filter((i) => i.text === text);
  const policeCardFor = async (incidentId: string) => (await conversation(police())).filter((m) => m.card?.incidentId === incidentId).map((m) => m.card!);
  const field = (card: Card, label: string) => card.fields.find((f) => f.label === label)?.value;

  it.each([
    ['click farming', '宝妈学生党看过来，手机点赞关注就能赚钱，一单3元日结，加vx: zhuanqian8866 带你做', '刷单'],
    ['a fake subsidy with a link', '【人社通知】2026年职业技能补贴开始申领，每人可领1200元，点击 http://rs-butie.top/ling 登记，今日截止', '补贴'],
    ['a stock-tips group', '内部消息！老师带你抓涨停，稳赚不赔，进群免费领牛股，QQ群 826354719', '荐股'],
    ['a loan without checks', '急用钱的朋友看这里，不看征信无需抵押，身份证就能下款，最快十分钟到账，有需要私我', '贷款'],
  ])('warns the group and alerts police once for %s', async (_style, text, typeWord) => {
    const group = residentGroups()[0];
    const sender = residentsOf(group)[4];
    await post(group, sender, text);
    const alerts = await alertsFor(text);
    expect(alerts).toHaveLength(1);
    const warnings = (await conversation(group)).filter((m) => m.from === 'bot' && m.text.includes(alerts[0].number));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].text).toMatch(/^【反诈提醒】/);
    expect(warnings[0].text).toContain(typeWord);
    expect(warnings[0].text).toContain('96110');
    const [card] = await policeCardFor(alerts[0].id);
    expect(field(card, '发布情况')).toContain(sender.name);
    expect(field(card, '发布情况')).toContain(group.name);
    expect(field(card, '群内原文')).toBe(text);
  });

  it.each([
    ['a group-buy advert', '明早团购赣南脐橙，9斤装39.9包邮，要的在群里接龙，电话13812345678 王姐'],
    ['a lost-pet notice', '寻狗启事：今早在小区花园走丢一只白色比熊，戴红色项圈，有看到的请联系 13987654321，必有酬谢'],
    ['a reposted police warning', '【反诈预警】近期有人冒充快递客服说包裹丢失要理赔，让下载会议软件共享屏幕，千万不要相信——社区民警提醒'],
    ['a resident asking', '收到一条短信说我的ETC卡已经失效，让点链接重新认证，这个是不是骗子哦？'],
  ])('gives no warning and no alert for %s', async (_kind, text) => {
    const group = residentGroups()[1];
    await post(group, residentsOf(group)[1], text);
    expect(await alertsFor(text)).toHaveLength(0);
    expect(await warningsIn(group, '疑似')).toHaveLength(0);
  });

  it('counts reposts under one alert per sender and text a day, and warns each group once', async () => {
    const [first, second] = residentGroups();
    const spammer = residentsOf(first)[3];
    const text = '恭喜您被抽中幸运业主，可免费领取按摩椅一台，仅需支付运费29元，扫码填写地址👉[二维码]';
    await post(first, spammer, text);
    await post(first, spammer, `${text} `);
    await post(first, spammer, text.replace('👉', '👇'));
    // Someone else pastes the same bait into the other group: an alert of its own, with the counts.
    const other = residentsOf(second)[3];
    await post(second, other, text);

    const alerts = await alertsFor(text);
    expect(alerts).toHaveLength(2);
    expect((await conversation(first)).filter((m) => m.from === 'bot' && m.text.startsWith('【反诈提醒】') && alerts.some((a) => m.text.includes(a.number)))).toHaveLength(1);
    expect((await conversation(second)).filter((m) => m.from === 'bot' && m.text.startsWith('【反诈提醒】') && alerts.some((a) => m.text.includes(a.number)))).toHaveLength(1);

    const timelines = await Promise.all(alerts.map(async (a) => (await bot.call('GET', `/api/incidents/${a.id}`)).body));
    const spammerAlert = timelines.find((t) => t.timeline.some((e: { type: string }) => e.type === 'scam_repost'))!;
    expect(spammerAlert.timeline.filter((e: { type: string }) => e.type === 'scam_repost')).toHaveLength(2);
    const spammerCards = await policeCardFor(spammerAlert.id);
    expect(spammerCards).toHaveLength(1);
    expect(field(spammerCards[0], '发布情况')).toContain('该账号第 3 次发布涉诈信息');
    const secondCard = (await policeCardFor(timelines.find((t) => t !== spammerAlert)!.id))[0];
    expect(field(secondCard, '发布情况')).toContain('同一内容已见于 2 个群、2 个账号');
  });

  it('never tells the person who posted the bait about police work on it', async () => {
    const group = residentGroups()[0];
    const text = '专业代办征信修复，逾期记录当天消除，先交500元保证金，联系微信 xiufu_2026';
    await post(group, residentsOf(group)[2], text);
    const [alert] = await alertsFor(text);
    const [card] = await policeCardFor(alert.id);
    const officer = police().members.find((m) => m.posts.includes('POLICE'))!;
    const before = (await conversation(group)).length;
    expect((await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: officer.userId, key: 'accept' })).status).toBe(200);
    expect((await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: officer.userId, key: 'resolve', note: '已联系群主移除该账号并固定证据' })).status).toBe(200);
    await bot.settle();
    expect((await conversation(group)).slice(before).filter((m) => m.from === 'bot')).toHaveLength(0);
    expect((await bot.call('GET', `/api/incidents/${alert.id}`)).body).toMatchObject({ status: 'resolved' });
  });

  it('takes nothing a post holder writes for bait', async () => {
    const group = residentGroups()[0];
    const worker = group.members.find((m) => m.posts.length > 0)!;
    const text = '提醒大家：刷单返利、一单3元日结都是诈骗，加vx的兼职千万不要做';
    await post(group, worker, text);
    expect(await alertsFor(text)).toHaveLength(0);
  });
});
