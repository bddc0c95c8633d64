// The accept ladder with a controllable clock: a case nobody accepts gets 催办 in its post's group, then its
// post's leader, then the command centre, each exactly once however often and however concurrently the sweep
// runs; a critical case reaches the command centre at its first miss; an accept stops the ladder.
import { sweepAcceptDeadlines } from '../../handlers/clock/sweepAcceptDeadlines';
import { startTestBot, type TestBot } from '../support/testRuntime';

interface Member { userId: string; name: string; posts: string[] }
interface Group { id: string; kind: string; post: string | null; members: Member[] }

let bot: TestBot;
let groups: Group[];
let offsetMs = 0;
beforeAll(async () => {
  bot = await startTestBot({ FLOOD_SENDER_PER_MINUTE: '100', QUIET_HOURS: 'off' }, false, { clock: () => new Date(Date.now() + offsetMs) });
  groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
});
afterAll(() => bot?.stop());

const sweep = async () => {
  const taken = await sweepAcceptDeadlines(bot.runtime.context);
  await bot.settle();
  return taken.map((t) => t.step);
};
const textsTo = async (groupId: string, incidentId: string) =>
  ((await bot.call('GET', `/api/outbox?groupId=${groupId}&limit=500`)).body.items as { kind: string; text: string; incidentId: string }[])
    .filter((o) => o.kind === 'text' && o.incidentId === incidentId)
    .map((o) => o.text);

async function report(text: string) {
  const resident = groups.find((g) => g.kind === 'resident')!.members.find((m) => m.posts.length === 0)!;
  const group = groups.find((g) => g.kind === 'resident')!;
  await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident.userId, text });
  await bot.settle();
  const items = (await bot.call('GET', '/api/incidents?limit=500')).body.items as { id: string; number: string; text: string; leadPost: string; urgency: string; createdAt: string; acceptBy: string }[];
  return items.find((i) => i.text === text)!;
}
const at = (iso: string, plusMs = 0) => (offsetMs = new Date(iso).getTime() + plusMs - Date.now());

it('climbs reminder, leader, command centre once each for a case nobody accepts', async () => {
  offsetMs = 0;
  const found = await report('2栋门口的路灯坏了，晚上黑漆漆的');
  expect(found.urgency).not.toBe('critical');
  const postGroup = groups.find((g) => g.kind === 'worker' && g.post === found.leadPost)!;
  const command = groups.find((g) => g.kind === 'command')!;
  const interval = new Date(found.acceptBy).getTime() - new Date(found.createdAt).getTime();

  at(found.acceptBy, -1000);
  expect(await sweep()).toEqual([]);
  at(found.acceptBy, 1000);
  expect(await sweep()).toEqual(['accept_reminder']);
  expect(await sweep()).toEqual([]);
  const [reminder] = (await textsTo(postGroup.id, found.id)).filter((t) => t.startsWith('【催办】'));
  expect(reminder).toContain(found.number);
  const members = postGroup.members.filter((m) => m.posts.includes(found.leadPost));
  for (const member of members) expect(reminder).toContain(`@${member.name}`);

  at(found.acceptBy, interval + 1000);
  // Two sweeps of the same tick at once (two schedulers): the step is taken once.
  const [a, b] = await Promise.all([sweepAcceptDeadlines(bot.runtime.context), sweepAcceptDeadlines(bot.runtime.context)]);
  await bot.settle();
  expect([...a, ...b].map((t) => t.step)).toEqual(['accept_leader']);
  expect((await textsTo(postGroup.id, found.id)).filter((t) => t.startsWith('【催办·负责人】'))).toHaveLength(1);

  at(found.acceptBy, 2 * interval + 1000);
  expect(await sweep()).toEqual(['accept_command']);
  const toCommand = await textsTo(command.id, found.id);
  expect(toCommand).toHaveLength(1);
  expect(toCommand[0]).toMatch(/^🔴【超时未接单】/);
  at(found.acceptBy, 10 * interval);
  expect(await sweep()).toEqual([]);

  const timeline = (await bot.call('GET', `/api/incidents/${found.id}`)).body.timeline.map((t: { type: string }) => t.type);
  expect(timeline.filter((t: string) => t.startsWith('accept_'))).toEqual(['accept_reminder', 'accept_leader', 'accept_command']);
});

it('sends a critical case to the command centre at its first miss, and stops the ladder once accepted', async () => {
  offsetMs = 0;
  const found = await report('5栋电梯困人了，里面有个小孩在哭，按警铃没人应');
  expect(found.urgency).toBe('critical');
  const postGroup = groups.find((g) => g.kind === 'worker' && g.post === found.leadPost)!;
  const command = groups.find((g) => g.kind === 'command')!;

  at(found.acceptBy, 1000);
  expect(await sweep()).toEqual(['accept_reminder', 'accept_command']);
  expect(await textsTo(command.id, found.id)).toHaveLength(1);

  // Accepted before the leader's step falls due: nothing more, ever.
  const conversation = (await bot.call('GET', `/sandbox/groups/${postGroup.id}/messages`)).body.messages as { card: { id: string; incidentId: string; role: string } | null }[];
  const card = conversation.find((m) => m.card?.incidentId === found.id && m.card.role === 'lead')!.card!;
  const worker = postGroup.members.find((m) => m.posts.includes(found.leadPost))!;
  expect((await bot.call('POST', `/sandbox/cards/${card.id}/actions`, { userId: worker.userId, key: 'accept' })).status).toBe(200);
  await bot.settle();
  at(found.acceptBy, 24 * 3_600_000);
  expect(await sweep()).toEqual([]);
  expect((await textsTo(postGroup.id, found.id)).filter((t) => t.startsWith('【催办'))).toHaveLength(1);
});
