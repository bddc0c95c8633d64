// A platform outage: deliveries wait it out (retrying, visible in the admin API and /healthz), are given up
// after the horizon with a notice to the command centre, and a person can re-send them once it is back.
// The runtime's clock is moved forward instead of waiting hours.
import { releaseDueDeliveries } from '../../handlers/delivery/deliveryRetries';
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
let offsetMs = 0;
const HOUR = 3_600_000;
let groups: { id: string; name: string; kind: string; members: { userId: string; posts: string[] }[] }[];

beforeAll(async () => {
  bot = await startTestBot({ QUEUE_ATTEMPTS: '3', DELIVERY_GIVE_UP_HOURS: '6' }, false, { clock: () => new Date(Date.now() + offsetMs) });
  groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
});
afterAll(() => bot?.stop());

const residents = () => groups.find((g) => g.kind === 'resident')!;
const command = () => groups.find((g) => g.kind === 'command')!;
const outbox = async (query: string) => (await bot.call('GET', `/api/outbox?${query}`)).body;
const delivered = async (groupId: string) => (await bot.call('GET', `/sandbox/groups/${groupId}/messages`)).body.messages.map((m: { text: string }) => m.text);
async function report(text: string) {
  const resident = residents().members.find((m) => m.posts.length === 0)!;
  expect((await bot.call('POST', `/sandbox/groups/${residents().id}/messages`, { from: resident.userId, text })).status).toBe(202);
  await bot.settle();
}
async function sweepAfter(ms: number) {
  offsetMs += ms;
  const released = await releaseDueDeliveries(bot.runtime.context);
  await bot.settle();
  return released;
}

it('waits out an outage for hours, then gives up and tells the command centre; a person re-sends it', async () => {
  expect((await bot.call('POST', '/sandbox/faults', { failDeliveries: 1000, groupId: residents().id })).status).toBe(200);
  const text = '11栋后面的垃圾三天没人收了，臭得很';
  await report(text);

  const waiting = (await outbox(`status=retrying&groupId=${residents().id}`)).items;
  expect(waiting).toHaveLength(1);
  expect(waiting[0]).toMatchObject({ attempts: 3, lastError: expect.stringContaining('unreachable') });
  const firstDue = Date.parse(waiting[0].nextAttemptAt);
  expect((await bot.call('GET', '/healthz')).body.outbox).toMatchObject({ retrying: 1, failed: 0 });
  expect(await sweepAfter(0)).toBe(0); // not due yet

  // Still down two minutes later: tried again, and the next wait is longer.
  expect(await sweepAfter(2 * 60_000)).toBe(1);
  const again = (await outbox('status=retrying')).items[0];
  expect(again.attempts).toBe(6);
  expect(Date.parse(again.nextAttemptAt) - firstDue).toBeGreaterThan(2 * 60_000);

  // Past the six-hour horizon: given up, and the command centre (reachable) hears of it with the text.
  expect(await sweepAfter(7 * HOUR)).toBe(1);
  const failed = (await outbox('status=failed')).items;
  expect(failed).toHaveLength(1);
  expect(failed[0].text).toContain('受理回执');
  const notice = (await delivered(command().id)).find((t: string) => t.includes('发送失败'));
  expect(notice).toContain(residents().name);
  expect(notice).toContain('受理回执');

  // The platform is back: one click re-sends it, and a second click is refused.
  bot.runtime.sandbox.injectFailures(0);
  const retried = await bot.call('POST', `/api/outbox/${failed[0].id}/retry`);
  expect(retried.status).toBe(200);
  await bot.settle();
  expect((await outbox(`status=sent&groupId=${residents().id}`)).items.map((i: { id: string }) => i.id)).toContain(failed[0].id);
  expect((await delivered(residents().id)).some((t: string) => t.includes('受理回执'))).toBe(true);
  expect((await bot.call('POST', `/api/outbox/${failed[0].id}/retry`)).status).toBe(409);
  expect((await bot.call('POST', '/api/outbox/no-such-row/retry')).status).toBe(404);
});

it('keeps failures to reach the command centre itself where /healthz and the admin API show them; retry-all re-sends', async () => {
  expect((await bot.call('POST', '/sandbox/faults', { failDeliveries: 1000 })).status).toBe(200); // every group, the command centre's too
  await report('12栋电梯按钮坏了好几个，按了没反应');
  await sweepAfter(7 * HOUR);
  await sweepAfter(7 * HOUR); // the command-centre notice about the given-up rows is given up too
  const failed = await outbox('status=failed');
  expect(failed.items.some((i: { groupId: string }) => i.groupId === command().id)).toBe(true);
  const health = (await bot.call('GET', '/healthz')).body;
  expect(health.status).toBe('ok');
  expect(health.outbox.failed).toBe(failed.total);
  expect(health.outbox.oldestFailedAt).toEqual(expect.any(String));

  bot.runtime.sandbox.injectFailures(0);
  const all = await bot.call('POST', '/api/outbox/retry', {});
  expect(all.status).toBe(200);
  expect(all.body).toEqual({ retried: failed.total, remaining: 0 });
  await bot.settle();
  expect((await outbox('status=failed')).total).toBe(0);
  expect((await bot.call('GET', '/healthz')).body.outbox).toMatchObject({ pending: 0, retrying: 0, failed: 0 });
});
