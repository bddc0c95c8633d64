import { loadConfig } from '../../config';

const APP = { WECOM_CORP_ID: 'ww1436e0e65a779aee', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's3cret', WECOM_TOKEN: 'QDG6eK', WECOM_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };

describe('WeCom configuration', () => {
  it('is off without any WECOM_ variable', () => {
    expect(loadConfig({}).wecom).toBeNull();
  });

  it('reads the self-built app, the bot in either mode, robot keys and admins', () => {
    const app = loadConfig(APP).wecom!;
    expect(app.app).toEqual({ corpId: 'ww1436e0e65a779aee', agentId: 1000002, secret: 's3cret', token: 'QDG6eK', encodingAesKey: APP.WECOM_AES_KEY });
    expect(app.bot).toBeNull();
    expect(app.apiBase).toBe('https://qyapi.weixin.qq.com');

    const bot = loadConfig({ WECOM_BOT_TOKEN: 'abc123', WECOM_BOT_AES_KEY: APP.WECOM_AES_KEY, WECOM_ROBOT_KEYS: 'wrc1=key-1,wrc2=key-2', WECOM_ADMINS: 'zhangsan,lisi' }).wecom!;
    expect(bot.bot).toEqual({ mode: 'callback', token: 'abc123', encodingAesKey: APP.WECOM_AES_KEY });
    expect([...bot.robotKeys]).toEqual([['wrc1', 'key-1'], ['wrc2', 'key-2']]);
    expect(bot.admins).toEqual(['zhangsan', 'lisi']);

    const ws = loadConfig({ WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: 'aib-1', WECOM_BOT_SECRET: 'x', WECOM_WS_URL: 'ws://127.0.0.1:9999' }).wecom!;
    expect(ws.bot).toEqual({ mode: 'ws', botId: 'aib-1', secret: 'x' });
    expect(ws.wsUrl).toBe('ws://127.0.0.1:9999');
  });

  it('stops the start on a partial or malformed set, naming what is missing', () => {
    expect(() => loadConfig({ WECOM_CORP_ID: APP.WECOM_CORP_ID, WECOM_SECRET: 'x' })).toThrow(/WECOM_AGENT_ID, WECOM_TOKEN, WECOM_AES_KEY/);
    expect(() => loadConfig({ ...APP, WECOM_AES_KEY: 'short' })).toThrow(/WECOM_AES_KEY.*43-character/);
    expect(() => loadConfig({ WECOM_BOT_MODE: 'ws', WECOM_BOT_ID: 'aib-1' })).toThrow(/WECOM_BOT_SECRET/);
    expect(() => loadConfig({ WECOM_BOT_MODE: 'ws' })).toThrow(/ws mode needs WECOM_BOT_ID and WECOM_BOT_SECRET/);
    expect(() => loadConfig({ WECOM_ADMINS: 'zhangsan' })).toThrow(/self-built app .* or the intelligent bot/);
    expect(() => loadConfig({ WECOM_ROBOT_KEYS: 'nokey' })).toThrow(/WECOM_ROBOT_KEYS/);
  });
});
