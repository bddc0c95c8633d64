// The LLM path inside the running bot: configured by OPENAI_*, it classifies in the inbound job (the HTTP
// answer never waits on it), its answer opens the case, a failure falls back to the model and the case still
// opens, personal numbers never leave the machine, and /healthz shows the breaker.
import { startOpenAiStandIn, type OpenAiStandIn } from '../support/openaiStandIn';
import { startTestBot, type TestBot } from '../support/testRuntime';

describe('the LLM classifier in the bot', () => {
  let llm: OpenAiStandIn;
  let bot: TestBot;
  let residentGroup: { id: string; members: { userId: string; posts: string[] }[] };

  beforeAll(async () => {
    llm = await startOpenAiStandIn();
    bot = await startTestBot({
      OPENAI_BASE_URL: llm.baseUrl, OPENAI_API_KEY: llm.apiKey, OPENAI_MODEL: 'qwen-standin', OPENAI_TIMEOUT_MS: '500',
      LLM_BREAKER_FAILURES: '2', FLOOD_SENDER_PER_MINUTE: '100', REPEAT_WINDOW_MINUTES: '0',
    });
    residentGroup = (await bot.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
  });
  afterAll(async () => {
    await bot?.stop();
    await llm?.close();
  });

  const report = async (text: string) => {
    const from = residentGroup.members.find((m) => m.posts.length === 0)!.userId;
    const started = Date.now();
    const res = await bot.call('POST', `/sandbox/groups/${residentGroup.id}/messages`, { from, text });
    const answeredMs = Date.now() - started;
    await bot.settle();
    const incident = (await bot.call('GET', '/api/incidents?limit=500')).body.items.find((i: { text: string }) => i.text === text);
    return { res, answeredMs, incident };
  };

  it('opens the case the LLM decided, and the HTTP answer does not wait for it', async () => {
    llm.answerNext({
      delayMs: 300,
      then: { json: { category: 'noise', urgency: 'normal', confidence: 0.93, summary: '楼上深夜噪音', place: '北门岗亭旁' } },
    });
    const { res, answeredMs, incident } = await report('北门岗亭旁边那栋楼上每天半夜都在拖桌子 吵得人睡不着 电话13812345678');
    expect(res.status).toBe(202);
    expect(answeredMs).toBeLessThan(300);
    expect(incident).toMatchObject({ category: 'noise', classifiedBy: 'llm:qwen-standin' });
    expect(incident.place).toMatch(/ · 北门岗亭旁$/); // the place as the LLM read it, after the community
    const sent = llm.requests.at(-1)!.raw;
    expect(sent).not.toContain('13812345678');
    expect(sent).toContain('138****5678');
    expect((await bot.call('GET', '/healthz')).body.llm).toMatchObject({ state: 'closed' });
    // The LLM's one-line summary is on the lead post's card.
    const groups = (await bot.call('GET', '/sandbox/groups')).body.groups as { id: string; kind: string; post: string | null }[];
    const enforcement = groups.find((g) => g.kind === 'worker' && g.post === 'ENFORCEMENT')!;
    const cards = (await bot.call('GET', `/sandbox/groups/${enforcement.id}/messages`)).body.messages.map((m: { card: unknown }) => m.card).filter(Boolean);
    const card = cards.find((c: { incidentId: string }) => c.incidentId === incident.id);
    expect(card.fields).toEqual(expect.arrayContaining([{ label: '摘要', value: '楼上深夜噪音' }]));
  });

  it('falls back to the model when the LLM fails, still opens the case, and opens the breaker after repeated failures', async () => {
    llm.answerNext({ status: 500 }, { raw: 'not json at all' });
    const first = await report('小区北门的路灯坏了一个多星期了 晚上黑漆漆的');
    expect(first.incident).toBeDefined();
    expect(first.incident.classifiedBy).toMatch(/fallback:http_error/);
    const second = await report('6栋后面的下水道井盖不见了 晚上走路很危险');
    expect(second.incident).toBeDefined();
    expect(second.incident.classifiedBy).toMatch(/fallback:invalid_json/);
    const health = (await bot.call('GET', '/healthz')).body.llm;
    expect(health).toMatchObject({ state: 'open', failuresInARow: 2 });
    const calls = llm.requests.length;
    await report('3栋门口的垃圾桶满了好几天没人收');
    expect(llm.requests.length).toBe(calls); // the breaker is open: no call
  });
});
