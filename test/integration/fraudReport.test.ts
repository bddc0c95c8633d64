// A resident whose family is being scammed right now (money moving): the reply says what to do this minute,
// the POLICE card is red and the command centre sees it too, from the first minute; only the post's members
// act on either copy, and a click shows on both.
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; kind: string; post: string | null; members: Member[] }
interface Card { id: string; incidentId: string; colour: string; state: string; buttons: { key: string }[] }
interface Message { from: string; text: string; card: Card | null }

describe('a fraud in progress', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot();
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const group = (kind: string, post?: string) => groups.find((g) => g.kind === kind && (post === undefined || g.post === post))!;
  const conversation = async (g: Group): Promise<Message[]> => (await bot.call('GET', `/sandbox/groups/${g.id}/messages?limit=500`)).body.messages;
  const cardIn = async (g: Group, incidentId: string) => (await conversation(g)).find((m) => m.card?.incidentId === incidentId)?.card;

  it('answers with what to do now, and puts a red POLICE card before the police and the command centre', async () => {
    const residents = group('resident');
    const resident = residents.members.find((m) => m.posts.length === 0)!;
    const text = '急！我爸现在正在银行柜台转账，电话里自称公安局的人说他涉嫌洗钱，要把钱转到安全账户';
    await bot.call('POST', `/sandbox/groups/${residents.id}/messages`, { from: resident.userId, text });
    await bot.settle();

    const found = (await bot.call('GET', '/api/incidents?limit=50')).body.items.find((i: { text: string }) => i.text === text);
    expect(found).toMatchObject({ category: 'fraud_report', urgency: 'critical', leadPost: 'POLICE' });
    const receipt = (await conversation(residents)).find((m) => m.from === 'bot' && m.text.includes(found.number))!;
    expect(receipt.text).toContain('停止转账');
    expect(receipt.text).toContain('96110');
    expect(receipt.text).toContain('冻结止付');

    const police = group('worker', 'POLICE');
    const command = group('command');
    const policeCard = await cardIn(police, found.id);
    const commandCard = await cardIn(command, found.id);
    expect(policeCard).toMatchObject({ colour: 'red', state: 'pending' });
    expect(commandCard).toMatchObject({ colour: 'red', state: 'pending' });
    expect(commandCard!.id).not.toBe(policeCard!.id);

    // The command centre's duty officer holds no police post: their click is refused and changes nothing.
    const dutyOfficer = command.members.find((m) => !m.posts.includes('POLICE'))!;
    const refused = await bot.call('POST', `/sandbox/cards/${commandCard!.id}/actions`, { userId: dutyOfficer.userId, key: 'accept' });
    expect(refused.status).toBe(403);

    // An officer accepts on the police group's card: the command centre's copy shows it.
    const officer = police.members.find((m) => m.posts.includes('POLICE'))!;
    expect((await bot.call('POST', `/sandbox/cards/${policeCard!.id}/actions`, { userId: officer.userId, key: 'accept' })).status).toBe(200);
    await bot.settle();
    expect(await cardIn(command, found.id)).toMatchObject({ state: 'accepted' });
    expect((await bot.call('GET', `/api/incidents/${found.id}`)).body).toMatchObject({ status: 'accepted' });
  });

  it('keeps a non-critical case out of the command centre', async () => {
    const residents = group('resident');
    const resident = residents.members.filter((m) => m.posts.length === 0)[1];
    const text = '上个月在网上刷单被骗了两千块，当时没报警，现在还能找谁';
    await bot.call('POST', `/sandbox/groups/${residents.id}/messages`, { from: resident.userId, text });
    await bot.settle();
    const found = (await bot.call('GET', '/api/incidents?limit=50')).body.items.find((i: { text: string }) => i.text === text);
    expect(found).toMatchObject({ category: 'fraud_report' });
    expect(found.urgency).not.toBe('critical');
    expect(await cardIn(group('command'), found.id)).toBeUndefined();
  });
});
