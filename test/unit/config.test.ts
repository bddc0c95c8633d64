import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';
import { queryInt } from '../../bot/http/validate';

describe('configuration', () => {
  it('defaults to the embedded mode on loopback with no variables at all', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', adminToken: undefined, timeZone: 'Asia/Shanghai', seedDemo: true, sandbox: true });
    expect(config.database).toEqual({ type: 'better-sqlite3', file: path.resolve('data', 'grid-bot.sqlite') });
    expect(config.roles).toEqual(['web', 'worker', 'scheduler']);
  });

  it('switches to MySQL or MariaDB with DATABASE_URL, and refuses a URL it cannot use', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://bot:pw@db.internal:3306/grid' }).database).toEqual({ type: 'mysql', url: 'mysql://bot:pw@db.internal:3306/grid' });
    expect(loadConfig({ DATABASE_URL: 'mariadb://root@127.0.0.1:3306/test' }).database).toEqual({ type: 'mariadb', url: 'mysql://root@127.0.0.1:3306/test' });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@y/z' })).toThrow(/DATABASE_URL must look like mysql:\/\//);
  });

  it('stops with a message naming the variable when a value is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ TIMEZONE: 'Mars/Olympus' })).toThrow(/TIMEZONE/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN/);
    expect(() => loadConfig({ SEED_DEMO: 'yes' })).toThrow(/SEED_DEMO/);
    expect(() => loadConfig({ SLA_SCALE: '0' })).toThrow(/SLA_SCALE/);
    expect(() => loadConfig({ SLA_SCALE: 'fast' })).toThrow(/SLA_SCALE/);
    expect(() => loadConfig({ SWEEP_CRON: '*/5 * * * *' })).toThrow(/SWEEP_CRON.*six-field/);
    expect(() => loadConfig({ SWEEP_CRON: '61 * * * * *' })).toThrow(/SWEEP_CRON/);
    expect(loadConfig({ SWEEP_CRON: '*/2 * * * * *' }).sweepCron).toBe('*/2 * * * * *');
  });

  it('sends the anti-fraud tip on Mondays at 10:00 unless ANTI_FRAUD_TIP_CRON says otherwise or off', () => {
    expect(loadConfig({}).antiFraudTipCron).toBe('0 0 10 * * 1');
    expect(loadConfig({ ANTI_FRAUD_TIP_CRON: 'off' }).antiFraudTipCron).toBeNull();
    expect(loadConfig({ ANTI_FRAUD_TIP_CRON: '0 30 9 * * 5' }).antiFraudTipCron).toBe('0 30 9 * * 5');
    expect(() => loadConfig({ ANTI_FRAUD_TIP_CRON: 'mondays' })).toThrow(/ANTI_FRAUD_TIP_CRON.*six-field/);
  });

  it('scales service-level limits by SLA_SCALE, 1 unless set', () => {
    expect(loadConfig({}).policy.slaScale).toBe(1);
    expect(loadConfig({ SLA_SCALE: '0.01' }).policy.slaScale).toBe(0.01);
  });

  it('reads quiet hours and the auto-close delay, and refuses malformed ones', () => {
    expect(loadConfig({}).policy).toMatchObject({ autoCloseMs: 72 * 3_600_000, quietHours: { startMinute: 22 * 60, endMinute: 7 * 60 } });
    expect(loadConfig({ QUIET_HOURS: 'off' }).policy.quietHours).toBeNull();
    expect(loadConfig({ QUIET_HOURS: '12:30-14:00', AUTO_CLOSE_H: '24' }).policy).toMatchObject({ autoCloseMs: 24 * 3_600_000, quietHours: { startMinute: 750, endMinute: 840 } });
    expect(() => loadConfig({ QUIET_HOURS: '22-7' })).toThrow(/QUIET_HOURS.*HH:MM-HH:MM/);
    expect(() => loadConfig({ QUIET_HOURS: '25:00-07:00' })).toThrow(/QUIET_HOURS/);
    expect(() => loadConfig({ QUIET_HOURS: '07:00-07:00' })).toThrow(/QUIET_HOURS.*off/);
    expect(() => loadConfig({ AUTO_CLOSE_H: '0' })).toThrow(/AUTO_CLOSE_H/);
  });

  it('refuses to listen beyond loopback without an admin token', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST.*ADMIN_TOKEN/);
    const exposed = loadConfig({ ADMIN_TOKEN: 'x'.repeat(24) });
    expect(exposed.host).toBe('0.0.0.0');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', ADMIN_TOKEN: '' })).toMatchObject({ port: 3000, adminToken: undefined });
  });
});

describe('query-string whole numbers', () => {
  const limit = queryInt({ min: 1, max: 500, default: 100 });
  it('default when absent or empty, decimal digits only', () => {
    expect(limit.parse(undefined)).toBe(100);
    expect(limit.parse('')).toBe(100);
    expect(limit.parse('25')).toBe(25);
    for (const bad of ['0x10', '1e2', '+5', '5 5', '501', '0']) expect(limit.safeParse(bad).success).toBe(false);
  });
});

describe('DingTalk in the configuration', () => {
  it('is off without DINGTALK_* variables and stops the start naming what a partial set lacks', () => {
    expect(loadConfig({}).dingtalk).toBeNull();
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(ConfigError);
    expect(() => loadConfig({ DINGTALK_CLIENT_ID: 'dingabc' })).toThrow(/DINGTALK_CLIENT_SECRET/);
    expect(loadConfig({ DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 's3cret', DINGTALK_ROBOT_CODE: 'dingabc' }).dingtalk).toMatchObject({ mode: 'stream', clientId: 'dingabc' });
  });
});
