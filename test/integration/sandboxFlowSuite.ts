// The walking skeleton over real HTTP: a resident's report becomes a dispatched incident, workers act on
// the cards, the resident hears back; refusals and bad input change nothing. Run on SQLite and on MariaDB
// by the two sandboxFlow test files.
import { loadTaxonomy } from '../../seeds/taxonomy';
import { startTestBot, type TestBackend, type TestBot } from '../support/testRuntime';

interface SandboxGroup {
  id: string; name: string; kind: string; post: string | null; orgUnit: string | null;
  members: { userId: string; name: string; posts: string[] }[];
}
interface SandboxMessage {
  id: string; from: string; text: string; at: string;
  card: null | { id: string; incidentId: string; title: string; state: string; buttons: { key: string; text: string }[]; role: string };
}

const FLYING_LEAD = '3栋楼道有人飞线充电，电线从四楼窗户吊下来给电瓶车充电，晚上还冒火花';

let bot: TestBot;
let groups: SandboxGroup[];
const taxonomy = loadTaxonomy();

const residentGroup = () => groups.find((g) => g.kind === 'resident')!;
const workerGroup = (post: string) => groups.find((g) => g.kind === 'worker' && g.post === post)!;
const memberOf = (post: string) => workerGroup(post).members.find((m) => m.posts.includes(post))!;

async function say(group: SandboxGroup, from: string, text: string, messageId?: string) {
  const res = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from, text, ...(messageId ? { messageId } : {}) });
  await bot.settle();
  return res;
}
async function conversation(group: SandboxGroup): Promise<SandboxMessage[]> {
  const res = await bot.call<{ messages: SandboxMessage[] }>('GET', `/sandbox/groups/${group.id}/messages`);
  expect(res.status).toBe(200);
  return res.body.messages;
}
async function cardFor(post: string, incidentId: string) {
  const messages = await conversation(workerGroup(post));
  return messages.find((m) => m.card?.incidentId === incidentId)?.card;
}
async function act(cardId: string, userId: string, key: string, note?: string) {
  const res = await bot.call('POST', `/sandbox/cards/${cardId}/actions`, { userId, key, ...(note ? { note } : {}) });
  await bot.settle();
  return res;
}
async function incident(id: string) {
  return (await bot.call('GET', `/api/incidents/${id}`)).body;
}
async function reportAndFind(text: string) {
  const resident = residentGroup().members[0];
  const posted = await say(residentGroup(), resident.userId, text);
  expect(posted.status).toBe(202);
  const list = await bot.call('GET', '/api/incidents?limit=500');
  return list.body.items.find((i: { text: string }) => i.text === text);
}

export function sandboxFlowSuite(backend: TestBackend): void {
  beforeAll(async () => {
    bot = await startTestBot({}, false, { backend });
    groups = (await bot.call<{ groups: SandboxGroup[] }>('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot?.stop());

  describe('start-up', () => {
    it('answers /healthz with the state of each component', async () => {
      const res = await bot.call('GET', '/healthz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        database: 'ok',
        databaseType: backend === 'sqlite' ? 'better-sqlite3' : 'mariadb',
        queue: { kind: backend === 'mariadb+bull' ? 'bull' : 'in-process', status: 'ok' },
        classifier: expect.stringMatching(/rules$/),
        platforms: ['sandbox'],
      });
    });

    it('seeds the demo street: two resident groups of five or more, riders, command centre, a worker group per post', () => {
      const residents = groups.filter((g) => g.kind === 'resident');
      expect(residents).toHaveLength(2);
      for (const g of residents) expect(g.members.filter((m) => m.posts.length === 0).length).toBeGreaterThanOrEqual(5);
      expect(groups.filter((g) => g.kind === 'volunteer')).toHaveLength(1);
      expect(groups.filter((g) => g.kind === 'command')).toHaveLength(1);
      for (const post of taxonomy.data.posts) {
        const group = workerGroup(post.code);
        expect(group).toBeDefined();
        expect(group.members.filter((m) => m.posts.includes(post.code)).length).toBeGreaterThanOrEqual(2);
      }
    });
  });

  describe('a resident report', () => {
    it('is stored, classified, dispatched to lead and assist posts, and answered with a receipt', async () => {
      const found = await reportAndFind(FLYING_LEAD);
      expect(found).toMatchObject({ category: 'fire_hazard', status: 'dispatched', leadPost: 'FIRE', assistPosts: ['GRID'], groupId: residentGroup().id });
      expect(found.number).toMatch(/^A-\d{8}-\d{4}$/);
      expect(new Date(found.acceptBy).getTime() - new Date(found.createdAt).getTime()).toBe(10 * 60_000);

      const receipt = (await conversation(residentGroup())).find((m) => m.from === 'bot' && m.text.includes(found.number));
      expect(receipt?.text).toContain('消防安全岗');
      expect(receipt?.text).toContain('10 分钟内接单');

      const lead = await cardFor('FIRE', found.id);
      expect(lead).toMatchObject({ state: 'pending', role: 'lead' });
      // fire_hazard starts at the community level, so the lead may also go up a level (上报).
      expect(lead!.buttons.map((b) => b.key)).toEqual(['accept', 'return', 'escalate']);
      const assist = await cardFor('GRID', found.id);
      expect(assist?.title).toContain('协办');
    });

    it('drops a repeated delivery of the same platform message', async () => {
      const resident = residentGroup().members[1];
      const text = '5栋门口的井盖不见了，黑黢黢一个洞，晚上看不到';
      const first = await say(residentGroup(), resident.userId, text, 'wx-msg-42');
      const again = await say(residentGroup(), resident.userId, text, 'wx-msg-42');
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.body).toEqual({ messageId: first.body.messageId, duplicate: true });
      const list = await bot.call('GET', '/api/incidents?category=municipal_facility');
      expect(list.body.items.filter((i: { text: string }) => i.text === text)).toHaveLength(1);
    });

    it('stores one message when the platform delivers it twice at the same moment', async () => {
      const resident = residentGroup().members[1];
      const body = { from: resident.userId, text: '6栋后面的堡坎裂了一条大缝，下雨还在掉泥巴', messageId: 'wx-msg-race' };
      const [a, b] = await Promise.all([1, 2].map(() => bot.call('POST', `/sandbox/groups/${residentGroup().id}/messages`, body)));
      await bot.settle();
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body.messageId).toBe(b.body.messageId);
      expect([a.body.duplicate, b.body.duplicate].sort()).toEqual([false, true]);
      const list = await bot.call('GET', '/api/incidents?limit=500');
      expect(list.body.items.filter((i: { text: string }) => i.text === body.text)).toHaveLength(1);
    });

    it('records chat without an incident or a reply', async () => {
      const before = (await bot.call('GET', '/api/incidents')).body.total;
      const botMessagesBefore = (await conversation(residentGroup())).filter((m) => m.from === 'bot').length;
      await say(residentGroup(), residentGroup().members[2].userId, '收到，谢谢网格员！辛苦了👍');
      expect((await bot.call('GET', '/api/incidents')).body.total).toBe(before);
      expect((await conversation(residentGroup())).filter((m) => m.from === 'bot')).toHaveLength(botMessagesBefore);
    });

    it('takes a grid worker answering in the residents\' group as staff talk, not a new report', async () => {
      const before = (await bot.call('GET', '/api/incidents')).body.total;
      const gridWorker = residentGroup().members.find((m) => m.posts.includes('GRID'))!;
      expect((await say(residentGroup(), gridWorker.userId, '3栋楼道的飞线充电我们已经拆了，大家以后到充电棚充电')).status).toBe(202);
      expect((await bot.call('GET', '/api/incidents')).body.total).toBe(before);
    });

    it('answers a question it knows, and hands one it does not to the grid worker', async () => {
      await say(residentGroup(), residentGroup().members[2].userId, '请问老年卡怎么办理？要带什么材料');
      expect((await conversation(residentGroup())).at(-1)).toMatchObject({ from: 'bot' });
      expect((await conversation(residentGroup())).at(-1)!.text).toContain('老年卡');

      await say(residentGroup(), residentGroup().members[3].userId, '请问社区今年还组织去敬老院做志愿服务吗？');
      const gridMessages = await conversation(workerGroup('GRID'));
      expect(gridMessages.at(-1)!.text).toContain('敬老院');
      expect((await conversation(residentGroup())).at(-1)!.text).toContain('转给网格员');
    });

    it('warns the group about scam bait and alerts community police', async () => {
      const text = '【兼职】宝妈在家动动手指点赞，一单5元日结300，加V：qq8866 先交99元会员费';
      const found = await reportAndFind(text);
      expect(found).toMatchObject({ category: 'scam_content', leadPost: 'POLICE' });
      expect((await conversation(residentGroup())).at(-1)!.text).toContain('反诈提醒');
      expect(await cardFor('POLICE', found.id)).toBeDefined();
    });
  });

  describe('card actions', () => {
    it('refuse anyone outside the card\'s post, with 403, and change nothing', async () => {
      const found = await reportAndFind('12栋负一楼消防通道堆满了纸箱和旧家具，还有人在里面给电动车充电');
      const card = (await cardFor('FIRE', found.id))!;
      const before = await incident(found.id);
      for (const outsider of [residentGroup().members[0].userId, memberOf('POLICE').userId, 'nobody-at-all']) {
        const res = await act(card.id, outsider, 'accept');
        expect(res.status).toBe(403);
        expect(res.body.error).toContain('FIRE');
      }
      expect(await incident(found.id)).toEqual(before);
      expect((await cardFor('FIRE', found.id))!.state).toBe('pending');
    });

    it('take a case from accept to resolve, tell the resident, and keep the whole timeline', async () => {
      const found = await reportAndFind('7栋2单元楼道里又有人拉飞线给电瓶车充电，插线板就放在楼梯口');
      const card = (await cardFor('FIRE', found.id))!;
      const worker = memberOf('FIRE');

      expect((await act(card.id, worker.userId, 'resolve', '已处理')).status).toBe(409); // accept first

      const accepted = await act(card.id, worker.userId, 'accept');
      expect(accepted.status).toBe(200);
      expect(accepted.body.card).toMatchObject({ state: 'accepted' });
      expect(accepted.body.card.buttons.map((b: { key: string }) => b.key)).toEqual(['return', 'resolve', 'escalate']);
      expect(accepted.body.incident).toMatchObject({ status: 'accepted', number: found.number });

      const timelineLength = (await incident(found.id)).timeline.length;
      const repeated = await act(card.id, worker.userId, 'accept');
      expect(repeated.status).toBe(200);
      expect(repeated.body.changed).toBe(false);
      expect((await incident(found.id)).timeline).toHaveLength(timelineLength);

      expect((await act(card.id, worker.userId, 'resolve')).status).toBe(400); // a note is required
      const resolved = await act(card.id, worker.userId, 'resolve', '已拆除飞线，约谈住户，楼道加装了充电桩指引');
      expect(resolved.status).toBe(200);
      expect(resolved.body.incident.status).toBe('resolved');
      expect((await cardFor('FIRE', found.id))!.buttons).toEqual([]);
      expect((await cardFor('GRID', found.id))!.buttons).toEqual([]);

      const told = (await conversation(residentGroup())).filter((m) => m.from === 'bot' && m.text.includes(found.number));
      expect(told.map((m) => m.text).join('\n')).toMatch(/已接单[\s\S]*已办结.*已拆除飞线/);

      const detail = await incident(found.id);
      expect(detail.timeline.map((t: { type: string }) => t.type)).toEqual([
        'reported', 'classified', 'dispatched', 'receipt_sent', 'accepted', 'resolved', 'resident_notified', 'assists_idle',
      ]);
      // The assisting post never touched its card: the audit trail says so.
      expect(detail.timeline.at(-1).note).toContain('网格员');
      expect(detail.timeline.find((t: { type: string }) => t.type === 'resolved')).toMatchObject({
        actorId: worker.userId, note: '已拆除飞线，约谈住户，楼道加装了充电桩指引',
      });
      expect((await act(card.id, worker.userId, 'return', '不归我们管')).status).toBe(409);
    });

    it('let only one of two workers clicking accept at the same moment own the case', async () => {
      const found = await reportAndFind('15栋一楼楼梯间停满了电瓶车，还有人拉线在充电');
      const card = (await cardFor('FIRE', found.id))!;
      const [first, second] = workerGroup('FIRE').members.filter((m) => m.posts.includes('FIRE'));
      const results = await Promise.all([
        bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: first.userId, key: 'accept' }),
        bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: second.userId, key: 'accept' }),
      ]);
      await bot.settle();
      expect(results.map((r) => r.status)).toEqual([200, 200]);
      expect(results.filter((r) => r.body.changed)).toHaveLength(1);
      const detail = await incident(found.id);
      expect(detail.timeline.filter((t: { type: string }) => t.type === 'accepted')).toHaveLength(1);
    });

    it('return a misrouted case to the dispatcher, who can take it on', async () => {
      const found = await reportAndFind('楼下那家馆子的油烟直接排到我们窗户上，天天呛得咳嗽');
      const lead = found.leadPost as string;
      const card = (await cardFor(lead, found.id))!;
      expect((await act(card.id, memberOf(lead).userId, 'return')).status).toBe(400); // a reason is required
      const returned = await act(card.id, memberOf(lead).userId, 'return', '属于商户经营范围，请转市场监管');
      expect(returned.status).toBe(200);
      expect(returned.body.incident).toMatchObject({ status: 'returned', leadPost: 'DISPATCH' });

      const dispatchCard = (await cardFor('DISPATCH', found.id))!;
      expect(dispatchCard.buttons.map((b) => b.key)).toEqual(['accept', 'reroute']);
      expect(dispatchCard.buttons[0].text).toBe('接办');
      const taken = await act(dispatchCard.id, memberOf('DISPATCH').userId, 'accept');
      expect(taken.body.incident.status).toBe('accepted');
      const types = (await incident(found.id)).timeline.map((t: { type: string }) => t.type);
      expect(types.slice(-2)).toEqual(['returned', 'accepted']);
    });
  });

  describe('bad input', () => {
    it('is refused with 400 and a message, and stores nothing', async () => {
      const group = residentGroup();
      const before = (await bot.call('GET', '/api/incidents')).body.total;
      const malformed = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, '{"from": "x", "text": ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toMatch(/JSON/);
      const missing = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: group.members[0].userId });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toContain('text');
      const stranger = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: 'not-in-group', text: '楼道飞线充电' });
      expect(stranger.status).toBe(400);
      expect((await bot.call('POST', '/sandbox/groups/no-such-group/messages', { from: 'a', text: 'b' })).status).toBe(404);
      expect((await bot.call('POST', '/sandbox/cards/no-such-card/actions', { userId: 'a', key: 'accept' })).status).toBe(404);
      expect((await bot.call('POST', '/sandbox/cards/no-such-card/actions', { userId: 'a', key: 'approve' })).status).toBe(400);
      expect((await bot.call('GET', '/api/incidents?status=sleeping')).status).toBe(400);
      expect((await bot.call('GET', '/api/incidents/A-19990101-0001')).status).toBe(404);
      await bot.settle();
      expect((await bot.call('GET', '/api/incidents')).body.total).toBe(before);
    });
  });

  describe('the incidents API', () => {
    it('filters by status and category and finds an incident by its number', async () => {
      const all = (await bot.call('GET', '/api/incidents?limit=500')).body;
      expect(all.total).toBe(all.items.length);
      const resolved = (await bot.call('GET', '/api/incidents?status=resolved')).body;
      expect(resolved.items.length).toBeGreaterThan(0);
      expect(resolved.items.every((i: { status: string }) => i.status === 'resolved')).toBe(true);
      const fire = (await bot.call('GET', '/api/incidents?category=fire_hazard')).body;
      expect(fire.items.every((i: { category: string }) => i.category === 'fire_hazard')).toBe(true);
      const byNumber = await bot.call('GET', `/api/incidents/${all.items[0].number}`);
      expect(byNumber.body.id).toBe(all.items[0].id);
    });
  });

  describe('delivery failures', () => {
    it('are retried: one refused delivery still reaches the group', async () => {
      bot.runtime.sandbox.injectFailures(1);
      const retried = await reportAndFind('9栋门口路灯坏了一个多星期了，晚上黑漆漆的');
      expect((await conversation(residentGroup())).some((m) => m.text.includes(retried.number))).toBe(true);
    });
  });
}
