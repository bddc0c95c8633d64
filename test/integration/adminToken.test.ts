import { startTestBot, type TestBot } from '../support/testRuntime';

const TOKEN = 'a-long-enough-admin-token-123';

describe('with ADMIN_TOKEN set', () => {
  let bot: TestBot;
  beforeAll(async () => {
    bot = await startTestBot({ ADMIN_TOKEN: TOKEN, HOST: '127.0.0.1' });
  });
  afterAll(() => bot?.stop());

  it('refuses /api and /sandbox without the bearer token, and serves them with it', async () => {
    expect((await bot.call('GET', '/api/incidents')).status).toBe(401);
    expect((await bot.call('GET', '/api/incidents', undefined, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await bot.call('GET', '/sandbox/groups')).status).toBe(401);
    expect((await bot.call('GET', '/api/incidents', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('keeps /healthz open for load balancers', async () => {
    expect((await bot.call('GET', '/healthz')).status).toBe(200);
  });
});
