// GET /metrics: Prometheus text with what the bot did: messages by outcome, incidents by category, sends,
// job durations and queue depth.
import { startTestBot, type TestBot } from '../support/testRuntime';

let bot: TestBot;
beforeAll(async () => {
  bot = await startTestBot();
});
afterAll(() => bot?.stop());

it('counts messages, incidents, sends and job runs', async () => {
  const group = (await bot.call('GET', '/sandbox/groups')).body.groups.find((g: { kind: string }) => g.kind === 'resident');
  const resident = group.members.find((m: { posts: string[] }) => m.posts.length === 0).userId;
  await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text: '3栋楼道有人飞线充电，电线从四楼窗户吊下来', messageId: 'm-1' });
  await bot.call('POST', `/sandbox/groups/${group.id}/messages`, { from: resident, text: '3栋楼道有人飞线充电，电线从四楼窗户吊下来', messageId: 'm-1' });
  await bot.settle();

  const response = await fetch(`${bot.runtime.url}/metrics`);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  expect(text).toContain('grid_bot_inbound_messages_total{platform="sandbox",outcome="received"} 1');
  expect(text).toContain('grid_bot_inbound_messages_total{platform="sandbox",outcome="duplicate"} 1');
  expect(text).toContain('grid_bot_inbound_messages_total{platform="sandbox",outcome="done"} 1');
  expect(text).toMatch(/grid_bot_incidents_opened_total\{category="fire_hazard",urgency="(high|critical)"\} 1/);
  expect(text).toMatch(/grid_bot_outbound_sends_total\{platform="sandbox",result="sent"\} [2-9]/);
  expect(text).toMatch(/grid_bot_job_duration_seconds_count\{job="inbound",result="completed"\} 1/);
  expect(text).toContain('grid_bot_queue_jobs{job="outbound",state="waiting"} 0');
});
