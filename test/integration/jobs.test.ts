// Declared jobs at work: the relay finds work whose job was lost, without a restart; a job cut short by
// shutdown is not marked failed and runs after the restart; a periodic tick queued twice runs once.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tickOf } from '../../bot/jobs/job';
import { startTestBot, type TestBot } from '../support/testRuntime';

async function residentGroup(bot: TestBot) {
  const group = (await bot.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
  return { group, resident: group.members.find((m: { posts: string[] }) => m.posts.length === 0).userId as string };
}

it('queues again, on the relay tick, a stored message whose job was lost', async () => {
  let offsetMs = 0;
  const bot = await startTestBot({ RELAY_AFTER_SECONDS: '60' }, false, { clock: () => new Date(Date.now() + offsetMs) });
  try {
    const { group, resident } = await residentGroup(bot);
    const queue = bot.runtime.context.jobs;
    const blip = async () => { throw new Error('Redis blip'); };
    bot.runtime.context.jobs = { enqueue: blip, requeue: blip };
    expect((await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text: '7栋电梯坏了三天了，老人上不了楼' })).status).toBe(202);
    bot.runtime.context.jobs = queue;

    await bot.runtime.queue.enqueue('relay', { tick: tickOf(new Date()) });
    await bot.settle();
    expect((await bot.call('GET', '/api/incidents')).body.total).toBe(0); // too young to be taken for lost

    offsetMs = 2 * 60_000;
    const tick = tickOf(new Date(Date.now() + offsetMs));
    await bot.runtime.queue.enqueue('relay', { tick });
    await bot.runtime.queue.enqueue('relay', { tick }); // the same tick queued twice is one job
    await bot.settle();
    expect((await bot.call('GET', '/api/incidents')).body.total).toBe(1);
    expect((await bot.call('GET', '/healthz')).body.queue.queues.relay.completed).toBe(2);
  } finally {
    await bot.stop();
  }
});

it('does not mark a job failed when shutdown cuts it short; it runs after the restart', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-shutdown-'));
  const first = await startTestBot({ DATA_DIR: dataDir, QUEUE_ATTEMPTS: '1' }, true);
  const { group, resident } = await residentGroup(first);
  let started!: () => void;
  const classifying = new Promise<void>((resolve) => (started = resolve));
  first.runtime.context.classifier = {
    name: 'slow',
    classify: async () => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 200));
      throw new Error('connection closed by shutdown');
    },
  };
  const text = '2栋后面的挡土墙裂了一条大缝，还在往外鼓';
  await first.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text });
  await classifying;
  await first.runtime.close();

  const second = await startTestBot({ DATA_DIR: dataDir });
  try {
    await second.settle();
    const [message] = (await second.call('GET', `/api/messages?groupId=${group.id}`)).body.items;
    expect(message).toMatchObject({ text, status: 'done', lastError: null });
    expect((await second.call('GET', '/api/incidents')).body.items[0]).toMatchObject({ text, category: 'building_safety' });
    const command = (await second.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'command');
    const notices = (await second.call('GET', `/sandbox/groups/${command.id}/messages`)).body.messages;
    expect(notices.some((m: { text: string }) => m.text.includes('消息处理失败'))).toBe(false);
  } finally {
    await second.stop();
  }
});
