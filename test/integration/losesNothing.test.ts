// Every inbound message is stored before anything can fail: a crash between storing and queueing, or
// processing that keeps failing, never loses it.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestBot, type TestBot } from '../support/testRuntime';

async function residentAndGroup(bot: TestBot) {
  const groups = (await bot.call('GET', '/sandbox/groups')).body.groups;
  const group = groups.find((g: { kind: string }) => g.kind === 'resident');
  return { group, resident: group.members[0].userId as string, command: groups.find((g: { kind: string }) => g.kind === 'command') };
}

it('processes a message stored just before a crash when the bot starts again', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-restart-'));
  const first = await startTestBot({ DATA_DIR: dataDir }, true);
  const { group, resident } = await residentAndGroup(first);
  const unreachable = async () => { throw new Error('queue unreachable'); };
  first.runtime.context.jobs = { enqueue: unreachable, requeue: unreachable };
  const text = '4栋外墙的瓷砖又掉了几块下来，就砸在单元门口';
  const posted = await first.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text });
  expect(posted.status).toBe(202); // stored: the resident's report is accepted even though the queue is down
  expect((await first.call('GET', '/api/incidents')).body.total).toBe(0);
  await first.stop();

  const second = await startTestBot({ DATA_DIR: dataDir });
  try {
    await second.settle();
    const incidents = (await second.call('GET', '/api/incidents')).body.items;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ text, category: 'building_safety', status: 'dispatched' });
  } finally {
    await second.stop();
  }
});

it('marks a message that keeps failing as failed and shows it to the command centre', async () => {
  const bot = await startTestBot({ QUEUE_ATTEMPTS: '3' });
  try {
    const { group, resident, command } = await residentAndGroup(bot);
    let calls = 0;
    bot.runtime.context.classifier = { name: 'broken', classify: async () => { calls += 1; throw new Error('classifier down'); } };
    const text = '楼下垃圾桶满了好几天没人倒';
    expect((await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text })).status).toBe(202);
    await bot.settle();
    expect(calls).toBe(3);
    const notices = (await bot.call('GET', `/sandbox/groups/${command.id}/messages`)).body.messages;
    const notice = notices.find((m: { text: string }) => m.text.includes('消息处理失败'));
    expect(notice.text).toContain(text);
    expect(notice.text).toContain('classifier down');
    expect((await bot.call('GET', '/healthz')).body.queue.queues.inbound.failed).toBe(1);
  } finally {
    await bot.stop();
  }
});
