// The probe that found the hole, bounded and on loopback: 1,000 messages into one group as fast as 8 clients
// can post them, with the default limits. Nothing is lost, and the flood opens no more than the limits allow.
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
afterAll(() => bot?.stop());

it('stores all of 1,000 flood messages, opens at most 10 incidents per sender, and notices once per sender and group', async () => {
  bot = await startTestBot();
  const groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const group = groups.find((g: { kind: string }) => g.kind === 'resident');
  const senders = group.members.filter((m: { posts: string[] }) => m.posts.length === 0);
  const TOTAL = 1000;
  let next = 0;
  const client = async () => {
    for (let i = next++; i < TOTAL; i = next++) {
      const from = senders[i % senders.length].userId;
      const res = await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from, text: `${i % 37}栋门口有人乱扔垃圾，臭死了（${i}）` });
      if (res.status !== 202) throw new Error(`message ${i} answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, client));
  await bot.settle();

  const stored = (await bot.call('GET', `/api/messages?groupId=${group.id}&limit=1`)).body.total;
  const throttled = (await bot.call('GET', `/api/messages?groupId=${group.id}&status=throttled&limit=1`)).body.total;
  const incidents = (await bot.call('GET', '/api/incidents?limit=1')).body.total;
  const grid = groups.find((g: { kind: string; post: string }) => g.kind === 'worker' && g.post === 'GRID');
  const notices = (await bot.call('GET', `/sandbox/groups/${grid.id}/messages?limit=500`)).body.messages.filter((m: { text: string }) => m.text.includes('刷屏提醒'));
  console.log(`flood of ${TOTAL}: ${stored} stored, ${throttled} throttled, ${incidents} incidents, ${notices.length} flood notices (${senders.length} senders)`);
  expect(stored).toBe(TOTAL);
  expect(incidents).toBeLessThanOrEqual(10 * senders.length);
  expect(throttled).toBeGreaterThanOrEqual(TOTAL - 10 * senders.length);
  expect(notices.length).toBeGreaterThanOrEqual(1);
  expect(notices.length).toBeLessThanOrEqual(senders.length + 1);
}, 120_000);
