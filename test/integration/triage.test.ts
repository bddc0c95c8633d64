// Never silent: a message the classifier cannot decide goes before the grid worker as a triage card, the
// resident is told a person will look; 立案 with a category opens the case as if classified (receipt, cards),
// 忽略 records it and tells the resident; only a grid worker or the dispatcher decides, once.
import { RuleClassifier } from '../../handlers/classify/ruleClassifier';
import type { Classification, Classifier } from '../../handlers/classify/types';
import { loadTaxonomy } from '../../seeds/taxonomy';
import { startTestBot, type TestBot } from '../support/testRuntime';

/** The rules, except that anything with 不晓得 in it is undecided, with two guesses. */
function undecidedOn(marker: string): Classifier {
  const rules = new RuleClassifier(loadTaxonomy());
  return {
    name: 'scripted',
    async classify(text: string): Promise<Classification> {
      if (!text.includes(marker)) return rules.classify(text);
      return { category: 'chat', urgency: null, confidence: 0.41, source: 'scripted', triage: [{ category: 'building_safety', confidence: 0.35 }, { category: 'sanitation', confidence: 0.2 }] };
    },
  };
}

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; name: string; kind: string; post: string | null; members: Member[] }
interface TriageCard { kind: 'triage'; id: string; text: string; guesses: { category: string; name: string }[]; categories: { code: string }[]; state: string; statusLine: string; buttons: { key: string }[] }

describe('triage', () => {
  let bot: TestBot;
  let groups: Group[];
  beforeAll(async () => {
    bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0' }, false, { classifier: undecidedOn('不晓得') });
    groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  });
  afterAll(() => bot.stop());

  const residentGroup = () => groups.find((g) => g.kind === 'resident')!;
  const gridGroup = () => groups.find((g) => g.kind === 'worker' && g.post === 'GRID')!;
  const resident = () => residentGroup().members.find((m) => m.posts.length === 0)!;
  const gridWorker = () => gridGroup().members.find((m) => m.posts.includes('GRID'))!;
  const messagesOf = async (group: Group) => (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages as { from: string; text: string; card: TriageCard | null }[];
  const say = async (text: string) => {
    expect((await bot.call('POST', `/sandbox/groups/${residentGroup().id}/messages`, { from: resident().userId, text })).status).toBe(202);
    await bot.settle();
  };
  const triageCardFor = async (text: string) => (await messagesOf(gridGroup())).map((m) => m.card).find((c): c is TriageCard => c?.kind === 'triage' && c.text === text)!;
  const decide = (card: TriageCard, userId: string, decision: string, category?: string) =>
    bot.call('POST', `/sandbox/triage/${card.id}/actions`, { userId, decision, category });

  it('puts an undecided message before the grid worker and tells the resident, instead of staying silent', async () => {
    const text = '我也不晓得算不算问题，楼顶那块铁皮一直在响';
    await say(text);
    const card = await triageCardFor(text);
    expect(card).toMatchObject({ state: 'open', buttons: [{ key: 'file' }, { key: 'ignore' }] });
    expect(card.guesses.map((g) => g.category)).toEqual(['building_safety', 'sanitation']);
    expect(card.categories.slice(0, 2).map((c) => c.code)).toEqual(['building_safety', 'sanitation']);
    const told = (await messagesOf(residentGroup())).filter((m) => m.from === 'bot' && m.text.includes('已转网格员确认'));
    expect(told.length).toBeGreaterThan(0);
    const stored = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text === text);
    expect(stored).toMatchObject({ status: 'done', outcome: 'triage', incidentId: null });
  });

  it('files (立案) the message as a case of the chosen category, once, by a grid worker only', async () => {
    const text = '不晓得是哪个在5栋楼顶堆了好多砖头，风一吹往下掉渣';
    await say(text);
    const card = await triageCardFor(text);

    expect((await decide(card, resident().userId, 'file', 'building_safety')).status).toBe(403);
    expect((await decide(card, gridWorker().userId, 'file')).status).toBe(400);
    expect((await decide(card, gridWorker().userId, 'file', 'not_a_category')).status).toBe(400);

    const filed = await decide(card, gridWorker().userId, 'file', 'building_safety');
    expect(filed.status).toBe(200);
    expect(filed.body).toMatchObject({ changed: true, card: { state: 'filed' } });
    await bot.settle();
    const incident = (await bot.call('GET', `/api/incidents/${filed.body.incidentId}`)).body;
    expect(incident).toMatchObject({ category: 'building_safety', leadPost: 'URBAN_RENEWAL', status: 'dispatched', text });
    expect(incident.timeline.find((t: { type: string }) => t.type === 'classified').note).toContain('triage:');
    // The resident gets the receipt, as for any case; the card says it is filed, with the number.
    expect((await messagesOf(residentGroup())).some((m) => m.from === 'bot' && m.text.includes(incident.number))).toBe(true);
    expect((await triageCardFor(text)).statusLine).toContain(incident.number);

    const again = await decide(card, gridWorker().userId, 'file', 'building_safety');
    expect(again.body).toMatchObject({ changed: false, incidentId: incident.id });
    expect((await decide(card, gridWorker().userId, 'ignore')).status).toBe(409);
    const cases = (await bot.call('GET', '/api/incidents?limit=500')).body.items.filter((i: { text: string }) => i.text === text);
    expect(cases).toHaveLength(1);
  });

  it('ignores (忽略) a message: recorded, the resident told, no case', async () => {
    const text = '不晓得今天为啥子楼下好多人';
    await say(text);
    const card = await triageCardFor(text);
    const ignored = await decide(card, gridWorker().userId, 'ignore');
    expect(ignored.body).toMatchObject({ changed: true, incidentId: null, card: { state: 'ignored', buttons: [] } });
    await bot.settle();
    const stored = (await bot.call('GET', '/api/messages?limit=500')).body.items.find((m: { text: string }) => m.text === text);
    expect(stored).toMatchObject({ status: 'ignored', incidentId: null });
    expect((await messagesOf(residentGroup())).some((m) => m.from === 'bot' && m.text.includes('暂无需登记'))).toBe(true);
    expect((await bot.call('GET', '/api/incidents?limit=500')).body.items.some((i: { text: string }) => i.text === text)).toBe(false);
  });

  it('corrects a case\'s category (改类) through the dispatcher\'s 改派, and exports every human label for training', async () => {
    const text = '3栋楼下的化粪池井盖被车压碎了，臭得很';
    await say(text);
    const incident = (await bot.call('GET', '/api/incidents?limit=500')).body.items.find((i: { text: string }) => i.text === text);
    const cardsIn = async (post: string) => {
      const group = groups.find((g) => g.kind === 'worker' && g.post === post)!;
      return (await bot.call('GET', `/sandbox/groups/${group.id}/messages?limit=500`)).body.messages
        .map((m: { card: { id: string; incidentId: string; post: string } | null }) => m.card)
        .filter((c: { incidentId?: string } | null) => c?.incidentId === incident.id);
    };
    const memberOf = (post: string) => groups.find((g) => g.kind === 'worker' && g.post === post)!.members.find((m) => m.posts.includes(post))!;
    const [leadCard] = await cardsIn(incident.leadPost);
    expect((await bot.call('POST', `/sandbox/cards/${leadCard.id}/actions`, { userId: memberOf(incident.leadPost).userId, key: 'return', note: '这是市政井盖，不归我们' })).status).toBe(200);
    await bot.settle();
    const [dispatchCard] = await cardsIn('DISPATCH');
    const refused = await bot.call('POST', `/sandbox/cards/${dispatchCard.id}/actions`, { userId: memberOf('DISPATCH').userId, key: 'reroute', reroute: { category: 'nonsense' } });
    expect(refused).toMatchObject({ status: 400, body: { error: expect.stringContaining('nonsense') } });
    const recategorised = await bot.call('POST', `/sandbox/cards/${dispatchCard.id}/actions`, { userId: memberOf('DISPATCH').userId, key: 'reroute', reroute: { category: 'municipal_facility' } });
    expect(recategorised.status).toBe(200);
    await bot.settle();
    const after = (await bot.call('GET', `/api/incidents/${incident.id}`)).body;
    expect(after).toMatchObject({ category: 'municipal_facility', leadPost: 'MUNICIPAL', status: 'dispatched' });
    expect(after.timeline.find((t: { type: string }) => t.type === 'recategorised').note).toContain('→ 市政设施损坏（municipal_facility）');

    const response = await fetch(`${bot.runtime.url}/api/labels`);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const labels = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(labels).toEqual(expect.arrayContaining([
      expect.objectContaining({ text, category: 'municipal_facility', labelledBy: expect.stringContaining('改类') }),
      expect.objectContaining({ text: '不晓得是哪个在5栋楼顶堆了好多砖头，风一吹往下掉渣', category: 'building_safety', labelledBy: expect.stringContaining('立案') }),
      expect.objectContaining({ text: '不晓得今天为啥子楼下好多人', category: 'chat', urgency: null, labelledBy: '忽略' }),
    ]));
    for (const label of labels) expect(Object.keys(label).sort()).toEqual(['at', 'category', 'id', 'labelledBy', 'text', 'urgency']);
  });

  it('corrects an open case\'s category through the admin API: new posts, a new round, the old cards without buttons', async () => {
    const text = '楼下烧烤店每天晚上油烟熏得窗户都打不开';
    await say(text);
    const before = (await bot.call('GET', '/api/incidents?limit=500')).body.items.find((i: { text: string }) => i.text === text);
    expect(before).toMatchObject({ category: 'air_pollution', leadPost: 'ENFORCEMENT' });
    expect((await bot.call('POST', `/api/incidents/${before.number}/category`, { category: 'alien_landing', by: '调度员 林芳' })).status).toBe(400);
    const corrected = await bot.call('POST', `/api/incidents/${before.number}/category`, { category: 'public_security', by: '调度员 林芳' });
    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ changed: true, incident: { category: 'public_security', leadPost: 'POLICE', status: 'dispatched', clockRound: before.clockRound + 1 } });
    await bot.settle();
    const again = await bot.call('POST', `/api/incidents/${before.number}/category`, { category: 'public_security', by: '调度员 林芳' });
    expect(again.body.changed).toBe(false);
    const detail = (await bot.call('GET', `/api/incidents/${before.id}`)).body;
    expect(detail.timeline.find((t: { type: string }) => t.type === 'recategorised')).toMatchObject({ actor: '调度员 林芳' });
    const policeGroup = groups.find((g) => g.kind === 'worker' && g.post === 'POLICE')!;
    const policeCards = (await bot.call('GET', `/sandbox/groups/${policeGroup.id}/messages?limit=500`)).body.messages.map((m: { card: unknown }) => m.card)
      .filter((c: { incidentId?: string } | null) => c?.incidentId === before.id);
    expect(policeCards.length).toBeGreaterThan(0);
    // The old lead (综合执法岗) is outside the new category's posts: its card stays, without buttons.
    {
      const oldGroup = groups.find((g) => g.kind === 'worker' && g.post === before.leadPost)!;
      const oldCard = (await bot.call('GET', `/sandbox/groups/${oldGroup.id}/messages?limit=500`)).body.messages.map((m: { card: unknown }) => m.card)
        .find((c: { incidentId?: string } | null) => c?.incidentId === before.id);
      expect(oldCard.buttons).toEqual([]);
    }
    const labels = (await (await fetch(`${bot.runtime.url}/api/labels`)).text()).trim().split('\n').map((line) => JSON.parse(line));
    expect(labels).toEqual(expect.arrayContaining([expect.objectContaining({ text, category: 'public_security', labelledBy: '改类 调度员 林芳' })]));
  });
});
