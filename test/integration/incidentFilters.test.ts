// GET /api/incidents filters by urgency and by being overdue (past a deadline not met, as of the bot's
// clock), and refuses a filter it does not know instead of answering with everything.
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
let offsetMs = 0;
beforeAll(async () => {
  bot = await startTestBot({}, false, { clock: () => new Date(Date.now() + offsetMs) });
});
afterAll(() => bot?.stop());

const list = async (query: string) => (await bot.call('GET', `/api/incidents?${query}`)).body;

it('lists by urgency, and a case passes into overdue when its accept deadline passes unaccepted', async () => {
  const groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const group = groups.find((g: { kind: string }) => g.kind === 'resident');
  const residents = group.members.filter((m: { posts: string[] }) => m.posts.length === 0);
  await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: residents[0].userId, text: '3栋电梯困人了，里面有个老人，按警铃没人应' });
  await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: residents[1].userId, text: '5栋门口的路灯坏了一个星期了' });
  await bot.settle();

  const all = await list('limit=500');
  expect(all.total).toBe(2);
  const critical = await list('urgency=critical');
  expect(critical.items.map((i: { text: string }) => i.text)).toEqual(['3栋电梯困人了，里面有个老人，按警铃没人应']);
  expect((await list('urgency=normal')).items.every((i: { urgency: string }) => i.urgency === 'normal')).toBe(true);

  expect((await list('overdue=true')).total).toBe(0);
  expect((await list('overdue=false')).total).toBe(2);
  expect(all.items.every((i: { overdue: boolean }) => i.overdue === false)).toBe(true);

  // Past the critical case's accept deadline (minutes), before the street light's (hours).
  const lift = critical.items[0];
  offsetMs = new Date(lift.acceptBy).getTime() - Date.now() + 60_000;
  const overdue = await list('overdue=true');
  expect(overdue.items.map((i: { number: string }) => i.number)).toEqual([lift.number]);
  expect(overdue.items[0].overdue).toBe(true);
  expect((await list('overdue=false')).items.map((i: { number: string }) => i.number)).not.toContain(lift.number);
  expect((await list('overdue=true&urgency=normal')).total).toBe(0);
  expect((await list('overdue=true&status=dispatched')).total).toBe(1);
  expect((await list('overdue=true&status=resolved')).total).toBe(0);
  expect((await bot.call('GET', `/api/incidents/${lift.number}`)).body.overdue).toBe(true);

  // A week on, past every resolve deadline, both are overdue.
  offsetMs = 8 * 24 * 3_600_000;
  expect((await list('overdue=true')).total).toBe(2);
});

it('refuses an unknown filter or value with a 400 that names it', async () => {
  const bogusUrgency = await bot.call('GET', '/api/incidents?urgency=urgent');
  expect(bogusUrgency.status).toBe(400);
  expect(JSON.stringify(bogusUrgency.body)).toMatch(/urgency/);
  const unknown = await bot.call('GET', '/api/incidents?priority=critical');
  expect(unknown.status).toBe(400);
  expect(JSON.stringify(unknown.body)).toMatch(/priority/);
  expect((await bot.call('GET', '/api/incidents?overdue=yes')).status).toBe(400);
});

it('opens cases with SLA_SCALE-shortened deadlines: 0.01 gives a critical case 3 seconds to be accepted', async () => {
  const fast = await startTestBot({ SLA_SCALE: '0.01' });
  try {
    const group = (await fast.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
    const resident = group.members.find((m: { posts: string[] }) => m.posts.length === 0);
    await fast.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident.userId, text: '3栋电梯困人了，里面有个老人，按警铃没人应' });
    await fast.settle();
    const [lift] = (await fast.call('GET', '/api/incidents?urgency=critical')).body.items;
    expect(new Date(lift.acceptBy).getTime() - new Date(lift.createdAt).getTime()).toBe(3_000);
    expect(new Date(lift.resolveBy).getTime() - new Date(lift.createdAt).getTime()).toBeLessThanOrEqual(864_000);
  } finally {
    await fast.stop();
  }
});
