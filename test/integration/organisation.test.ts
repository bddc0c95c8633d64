// Who is where, through the admin API: a chat bound to a community or a post, a post's members set per
// platform; bad bindings are refused with the reason and change nothing.
import { startTestBot, type TestBot } from '../support/testRuntime';

describe('the organisation admin API', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot();
  });
  afterAll(() => bot.stop());

  it('binds a chat the bot has never seen to a community, then rebinds it as a post\'s worker group', async () => {
    const resident = await bot.call('PUT', '/api/chats/wecom/wrOgQhDgAAAbc/binding', { kind: 'resident', orgUnit: 'c.guixiangyuan', name: '桂香园3栋群' });
    expect(resident.status).toBe(200);
    expect(resident.body).toMatchObject({ platform: 'wecom', chatId: 'wrOgQhDgAAAbc', name: '桂香园3栋群', kind: 'resident', orgUnit: 'c.guixiangyuan', post: null });

    const worker = await bot.call('PUT', '/api/chats/wecom/wrOgQhDgAAAbc/binding', { kind: 'worker', post: 'URBAN_RENEWAL' });
    expect(worker.status).toBe(200);
    expect(worker.body).toMatchObject({ id: resident.body.id, kind: 'worker', post: 'URBAN_RENEWAL', orgUnit: null });
  });

  it('refuses a binding to an org unit or post that does not exist, or a worker group bound to nothing', async () => {
    const unknownUnit = await bot.call('PUT', '/api/chats/wecom/wrX/binding', { kind: 'resident', orgUnit: 'c.nowhere' });
    expect(unknownUnit).toMatchObject({ status: 400, body: { error: expect.stringContaining('c.nowhere') } });
    const unknownPost = await bot.call('PUT', '/api/chats/wecom/wrX/binding', { kind: 'worker', post: 'astronaut' });
    expect(unknownPost).toMatchObject({ status: 400, body: { error: expect.stringContaining('astronaut') } });
    const nothing = await bot.call('PUT', '/api/chats/wecom/wrX/binding', { kind: 'worker' });
    expect(nothing.status).toBe(400);
    const badKind = await bot.call('PUT', '/api/chats/wecom/wrX/binding', { kind: 'party' });
    expect(badKind.status).toBe(400);
    const listed = await bot.call('GET', '/api/messages?limit=1');
    expect(listed.status).toBe(200);
  });

  it('adds, updates and removes a post member on a platform', async () => {
    const added = await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei', { name: '张伟' });
    expect(added).toMatchObject({ status: 200, body: { postCode: 'URBAN_RENEWAL', platform: 'wecom', userId: 'zhangwei', name: '张伟', isLeader: false } });
    const leader = await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei', { name: '张伟', isLeader: true });
    expect(leader.body.isLeader).toBe(true);

    expect((await bot.call('DELETE', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei')).status).toBe(204);
    expect((await bot.call('DELETE', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei')).status).toBe(404);
    expect((await bot.call('PUT', '/api/posts/astronaut/members/wecom/zhangwei', { name: '张伟' })).status).toBe(404);
    expect((await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/wecom/zhangwei', { name: '' })).status).toBe(400);
    expect((await bot.call('PUT', '/api/posts/URBAN_RENEWAL/members/WeCom!/zhangwei', { name: '张伟' })).status).toBe(400);
  });
});
