// A platform's per-chat limit: deliveries over it wait (retrying) until the chat's minute has room, then go;
// other chats are not held up, and nothing is counted as a failure.
import { releaseDueDeliveries } from '../../handlers/delivery/deliveryRetries';
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
let offsetMs = 0;
beforeAll(async () => {
  bot = await startTestBot({ SANDBOX_SENDS_PER_MINUTE: '3' }, false, { clock: () => new Date(Date.now() + offsetMs) });
});
afterAll(() => bot?.stop());

it('holds messages over 3 a minute to one chat until the minute has room, and sends them then', async () => {
  const groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const [first, second] = groups.filter((g: { kind: string }) => g.kind === 'resident');
  const residents = first.members.filter((m: { posts: string[] }) => m.posts.length === 0);
  const texts = ['1栋路灯坏了', '2栋井盖不见了', '3栋楼道灯坏了', '4栋垃圾桶满了没人收', '5栋门口路面塌了个坑'].map((t) => `${t}，麻烦来看一下`);
  for (const [i, text] of texts.entries()) await bot.call('POST', `/sandbox/groups/${first.id}/messages`, { from: residents[i].userId, text });
  const other = second.members.find((m: { posts: string[] }) => m.posts.length === 0);
  await bot.call('POST', `/sandbox/groups/${second.id}/messages`, { from: other.userId, text: '6栋电梯坏了，老人下不了楼' });
  await bot.settle();

  const toFirst = async () => (await bot.call('GET', `/api/outbox?groupId=${first.id}&limit=100`)).body.items;
  const held = (await toFirst()).filter((o: { status: string }) => o.status === 'retrying');
  expect((await toFirst()).filter((o: { status: string }) => o.status === 'sent')).toHaveLength(3);
  expect(held.length).toBe((await toFirst()).length - 3);
  expect(held.length).toBeGreaterThanOrEqual(2);
  expect(held[0].lastError).toMatch(/held back/);
  expect(held[0].attempts).toBe(0);
  expect((await bot.call('GET', `/api/outbox?groupId=${second.id}&status=sent`)).body.total).toBe(1);

  expect(await releaseDueDeliveries(bot.runtime.context)).toBe(0); // the minute is not over
  offsetMs = 61_000;
  // A minute on, each chat has room for three more; anything beyond waits for the next minute.
  expect(await releaseDueDeliveries(bot.runtime.context)).toBeGreaterThanOrEqual(held.length); // worker groups had cards held too
  await bot.settle();
  offsetMs = 122_000;
  await releaseDueDeliveries(bot.runtime.context);
  await bot.settle();
  expect((await toFirst()).every((o: { status: string }) => o.status === 'sent')).toBe(true);
  expect((await bot.call('GET', `/sandbox/groups/${first.id}/messages`)).body.messages.filter((m: { text: string }) => m.text.includes('受理回执'))).toHaveLength(5);
});
