// Races that SQLite's single write lane hides, run on MariaDB where transactions really overlap: two members
// of an assisting post accepting at once, two first messages from a new resident at once, the same report
// twenty times at once.
import { ingestMessage } from '../../handlers/intake/ingestMessage';
import { MARIADB } from '../support/mariadb';
import { describeIfAvailable, mariadbAvailability } from '../support/services';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Group { id: string; kind: string; post: string | null; members: { userId: string; posts: string[] }[] }

describeIfAvailable(mariadbAvailability(MARIADB), 'races on MariaDB', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '1000' }, false, { backend: 'mariadb' });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot?.stop());
  const residents = () => groups.find((g) => g.kind === 'resident')!;
  const say = (from: string, text: string) => bot.call('POST', `/sandbox/groups/${residents().id}/messages`, { from, text });

  it('gives an assisting card one owner when two of its members accept at the same moment', async () => {
    await say(residents().members.find((m) => m.posts.length === 0)!.userId, '5栋外墙的瓷砖掉下来了，砸坏了楼下的车');
    await bot.settle();
    const incident = (await bot.call('GET', '/api/incidents')).body.items[0];
    const assistPost = incident.assistPosts[0] as string;
    const group = groups.find((g) => g.kind === 'worker' && g.post === assistPost)!;
    const card = (await bot.call('GET', `/sandbox/groups/${group.id}/messages`)).body.messages.find((m: { card: { incidentId: string } | null }) => m.card?.incidentId === incident.id).card;
    const [first, second] = group.members.filter((m) => m.posts.includes(assistPost));
    const answers = await Promise.all([first, second].map((m) => bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: m.userId, key: 'accept' })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.filter((a) => a.body.changed)).toHaveLength(1);
    const detail = (await bot.call('GET', `/api/incidents/${incident.id}`)).body;
    expect(detail.timeline.filter((t: { type: string }) => t.type === 'assist_accepted')).toHaveLength(1);
    expect(detail.assignments.find((a: { post: string }) => a.post === assistPost).status).toBe('accepted');
  });

  it('stores both of two first messages from a resident nobody has seen, and creates the resident once', async () => {
    const event = (n: number) => ({
      platform: 'sandbox', platformMessageId: `first-${n}`, chatId: 'c.brand-new-group', chatName: '新建的楼栋群',
      sender: { userId: 'u.brand-new-resident', name: '新住户' }, text: `第${n}次来群里，想问下垃圾分类几点收`,
    });
    const results = await Promise.all([1, 2, 3, 4].map((n) => ingestMessage(event(n), bot.runtime.context)));
    expect(results.map((r) => r.duplicate)).toEqual([false, false, false, false]);
    await bot.settle();
    const messages = (await bot.call('GET', '/api/messages?limit=500')).body.items.filter((m: { sender: string }) => m.sender === 'u.brand-new-resident');
    expect(messages).toHaveLength(4);
    expect(new Set(messages.map((m: { groupId: string }) => m.groupId)).size).toBe(1);
  });

  it('opens one incident for the same report sent twenty times at once', async () => {
    const resident = residents().members.filter((m) => m.posts.length === 0)[1];
    const text = '8栋楼道有人飞线充电，电线从五楼窗户吊下来给电瓶车充电';
    await Promise.all(Array.from({ length: 20 }, () => say(resident.userId, text)));
    await bot.settle();
    const mine = (await bot.call('GET', '/api/incidents?limit=500')).body.items.filter((i: { reporter: string }) => i.reporter === resident.userId);
    expect(mine).toHaveLength(1);
    expect((await bot.call('GET', `/api/incidents/${mine[0].id}`)).body.timeline.filter((t: { type: string }) => t.type === 'repeat_report')).toHaveLength(19);
  });
});
