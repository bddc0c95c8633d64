import { loadDingtalkConfig } from '../../config/dingtalk';

const ROBOT = { DINGTALK_CLIENT_ID: 'dingzxcvbnm123456', DINGTALK_CLIENT_SECRET: 'Xy9-secret_value', DINGTALK_ROBOT_CODE: 'dingzxcvbnm123456' };

describe('DingTalk configuration', () => {
  it('is off without any DINGTALK_ variable (empty values count as unset)', () => {
    expect(loadDingtalkConfig({})).toBeNull();
    expect(loadDingtalkConfig({ DINGTALK_CLIENT_ID: '', WECOM_CORP_ID: 'ww1' })).toBeNull();
  });

  it('reads the robot with the defaults: stream mode, DingTalk endpoints, no card template', () => {
    expect(loadDingtalkConfig(ROBOT)).toEqual({
      clientId: ROBOT.DINGTALK_CLIENT_ID,
      clientSecret: ROBOT.DINGTALK_CLIENT_SECRET,
      robotCode: ROBOT.DINGTALK_ROBOT_CODE,
      cardTemplateId: null,
      mode: 'stream',
      apiBase: 'https://api.dingtalk.com',
      streamGateway: 'https://api.dingtalk.com/v1.0/gateway/connections/open',
      admins: [],
      streamLockMs: 30_000,
    });
  });

  it('reads http mode with cards, admins and stand-in endpoints', () => {
    const config = loadDingtalkConfig({
      ...ROBOT,
      DINGTALK_MODE: 'http',
      DINGTALK_CARD_TEMPLATE_ID: 'db56f2c2-f609-4878-9a34-46f6a0194a73.schema',
      DINGTALK_ADMINS: 'manager4220,0123456789',
      DINGTALK_API_BASE: 'http://127.0.0.1:9999/',
      DINGTALK_STREAM_GATEWAY: 'http://127.0.0.1:9999/v1.0/gateway/connections/open',
      DINGTALK_STREAM_LOCK_MS: '5000',
    })!;
    expect(config).toMatchObject({
      mode: 'http',
      cardTemplateId: 'db56f2c2-f609-4878-9a34-46f6a0194a73.schema',
      admins: ['manager4220', '0123456789'],
      apiBase: 'http://127.0.0.1:9999',
      streamGateway: 'http://127.0.0.1:9999/v1.0/gateway/connections/open',
      streamLockMs: 5000,
    });
  });

  it('stops the start on a partial set, naming what is missing', () => {
    expect(() => loadDingtalkConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(/needs DINGTALK_CLIENT_SECRET, DINGTALK_ROBOT_CODE/);
    expect(() => loadDingtalkConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 's' })).toThrow(/DINGTALK_ROBOT_CODE .*usually the Client ID/);
    expect(() => loadDingtalkConfig({ DINGTALK_ADMINS: 'manager4220' })).toThrow(/DINGTALK_CLIENT_ID, DINGTALK_CLIENT_SECRET, DINGTALK_ROBOT_CODE/);
    expect(() => loadDingtalkConfig({ DINGTALK_CARD_TEMPLATE_ID: 'x.schema' })).toThrow(/the DingTalk robot needs/);
  });

  it('stops the start on malformed values, naming the variable', () => {
    expect(() => loadDingtalkConfig({ ...ROBOT, DINGTALK_CLIENT_SECRET: 'abc def' })).toThrow(/DINGTALK_CLIENT_SECRET .*without spaces/);
    expect(() => loadDingtalkConfig({ ...ROBOT, DINGTALK_MODE: 'webhook' })).toThrow(/DINGTALK_MODE/);
    expect(() => loadDingtalkConfig({ ...ROBOT, DINGTALK_API_BASE: 'api.dingtalk.com' })).toThrow(/DINGTALK_API_BASE must look like https:\/\/api.dingtalk.com/);
    expect(() => loadDingtalkConfig({ ...ROBOT, DINGTALK_STREAM_LOCK_MS: '10' })).toThrow(/DINGTALK_STREAM_LOCK_MS/);
    expect(() => loadDingtalkConfig({ ...ROBOT, DINGTALK_ADMINS: 'a,,b' })).toThrow(/DINGTALK_ADMINS/);
  });
});
