// 反诈预警: a community police officer's "预警 …" in the police group reaches every resident group and the
// riders' group exactly once — also when deliveries fail and are retried, and when the message is delivered
// twice — and says how many it reached; anyone else's 预警 is only recorded; the admin API does the same.
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }

describe('police anti-fraud warnings', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', QUEUE_RETRY_DELAY_MS: '5' });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const policeGroup = () => groups.find((g) => g.kind === 'worker' && g.post === 'POLICE')!;
  const officer = () => policeGroup().members.find((m) => m.posts.includes('POLICE'))!;
  const audience = () => groups.filter((g) => g.kind === 'resident' || g.kind === 'volunteer');
  const warningsIn = async (group: Group, marker: string) =>
    ((await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string }[])
      .filter((m) => m.from === 'bot' && m.text.startsWith('【反诈预警】') && m.text.includes(marker));

  it('broadcasts an officer\'s 预警 to every resident and rider group once, through failures and a repeated delivery', async () => {
    const marker = '冒充快递理赔';
    bot.runtime.sandbox.injectFailures(3);
    const post = { from: officer().userId, text: `预警 近期有人${marker}，要求下载会议软件共享屏幕，请勿上当`, messageId: 'police-warning-1' };
    expect((await bot.call('POST', `/sandbox/groups/${policeGroup().id}/messages`, post)).status).toBe(202);
    expect((await bot.call('POST', `/sandbox/groups/${policeGroup().id}/messages`, post)).body.duplicate).toBe(true);
    await bot.settle();
    for (const group of audience()) expect(await warningsIn(group, marker)).toHaveLength(1);
    expect(audience().length).toBeGreaterThanOrEqual(3);

    const [broadcast] = (await bot.call('GET', '/api/broadcasts')).body.items;
    const people = audience().reduce((n, g) => n + g.members.length, 0);
    expect(broadcast).toMatchObject({ kind: 'police_warning', groups: audience().length, people });
    expect(broadcast.sentBy).toContain(officer().name);
    // No incident, and the message itself is marked for what it was.
    const stored = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text.includes(marker));
    expect(stored).toMatchObject({ status: 'done', outcome: 'police_warning', incidentId: null });
  });

  it('only records a 预警 from someone who does not hold the police post', async () => {
    // The demo police group has an auxiliary officer (辅警) who holds no post.
    const nonOfficer = policeGroup().members.find((m) => !m.posts.includes('POLICE'));
    expect(nonOfficer).toBeDefined();
    const resident = groups.find((g) => g.kind === 'resident')!;
    const marker = '假冒民警';
    await bot.call('POST', `/sandbox/groups/${policeGroup().id}/messages`, { from: nonOfficer!.userId, text: `预警 ${marker}` });
    await bot.settle();
    const recorded = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text === `预警 ${marker}`);
    expect(recorded).toMatchObject({ status: 'ignored', incidentId: null });
    // In a resident group 预警 is a resident's own words: classified like any message, never broadcast.
    await bot.call('POST', `/sandbox/groups/${resident.id}/messages`, { from: resident.members.find((m) => m.posts.length === 0)!.userId, text: `预警 ${marker}说我涉嫌洗钱` });
    await bot.settle();
    for (const group of audience()) expect(await warningsIn(group, marker)).toHaveLength(0);
  });

  it('sends one through the admin API too, and refuses an empty one', async () => {
    expect((await bot.call('POST', '/api/broadcasts/police-warning', { text: ' ', by: '枣子湾派出所' })).status).toBe(400);
    const sent = await bot.call('POST', '/api/broadcasts/police-warning', { text: '"ETC卡已停用"的短信是诈骗，不要点链接', by: '枣子湾派出所' });
    expect(sent).toMatchObject({ status: 201, body: { groups: audience().length } });
    await bot.settle();
    for (const group of audience()) expect(await warningsIn(group, 'ETC卡已停用')).toHaveLength(1);
  });
});
