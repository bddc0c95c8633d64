// Which source signed an alarm: the HMAC of the exact raw body with that source's secret, nothing else.
import { checkAlarmSignature, signAlarm } from '../../handlers/alarms/alarmSignature';
import { alarmKindsFrom, describeAlarm, loadAlarmKinds } from '../../handlers/alarms/alarmKinds';
import { loadTaxonomy } from '../../seeds/taxonomy';
import { loadConfig } from '../../config';

const secrets = new Map([
  ['gasnet', 'gas-secret-0123456789'],
  ['carewatch', 'care-secret-0123456789'],
]);
const body = '{"source":"gasnet","deviceId":"GS-1","kind":"gas_high","value":2.3,"threshold":1,"place":"化粪池","at":"2026-12-03T06:00:00Z"}';

describe('alarm signature', () => {
  it('names the source whose secret signed the raw body', () => {
    expect(checkAlarmSignature(secrets, body, signAlarm(body, 'gas-secret-0123456789'))).toEqual({ signedBy: 'gasnet' });
    expect(checkAlarmSignature(secrets, body, signAlarm(body, 'care-secret-0123456789'))).toEqual({ signedBy: 'carewatch' });
    expect(checkAlarmSignature(secrets, body, signAlarm(body, 'gas-secret-0123456789').toUpperCase().replace('SHA256=', 'sha256='))).toEqual({ signedBy: 'gasnet' });
  });

  it('refuses a missing, malformed or foreign signature, and a body changed by one byte', () => {
    expect(checkAlarmSignature(secrets, body, undefined)).toEqual({ refused: expect.stringContaining('missing') });
    expect(checkAlarmSignature(secrets, body, 'md5=abc')).toEqual({ refused: expect.stringContaining('sha256=') });
    expect(checkAlarmSignature(secrets, body, signAlarm(body, 'someone-elses-secret-123'))).toEqual({ refused: expect.any(String) });
    expect(checkAlarmSignature(secrets, body.replace('2.3', '2.4'), signAlarm(body, 'gas-secret-0123456789'))).toEqual({ refused: expect.any(String) });
    expect(checkAlarmSignature(new Map(), body, signAlarm(body, 'gas-secret-0123456789'))).toEqual({ refused: expect.any(String) });
  });
});

describe('ALARM_SECRETS', () => {
  it('is parsed into source → secret', () => {
    const config = loadConfig({ ALARM_SECRETS: 'gasnet:gas-secret-0123456789, carewatch:care:secret-0123456789' });
    expect([...config.alarmSecrets]).toEqual([['gasnet', 'gas-secret-0123456789'], ['carewatch', 'care:secret-0123456789']]);
    expect(loadConfig({}).alarmSecrets.size).toBe(0);
  });

  it('refuses a short secret, a pair without a source and a source twice, without echoing the secret', () => {
    expect(() => loadConfig({ ALARM_SECRETS: 'gasnet:short' })).toThrow(/gasnet: the secret must be at least 16/);
    expect(() => loadConfig({ ALARM_SECRETS: 'gasnet:short' })).not.toThrow(/short/);
    expect(() => loadConfig({ ALARM_SECRETS: ':gas-secret-0123456789' })).toThrow(/entry 1 must be source:secret/);
    expect(() => loadConfig({ ALARM_SECRETS: 'a:gas-secret-0123456789,a:gas-secret-9876543210' })).toThrow(/a is listed twice/);
  });
});

describe('alarm kinds', () => {
  const taxonomy = loadTaxonomy();
  it('map the demo kinds to taxonomy categories, and write the incident text in Chinese', () => {
    const kinds = loadAlarmKinds(taxonomy);
    expect(kinds.get('gas_high')).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical' });
    expect(kinds.get('heart_rate_low')).toMatchObject({ category: 'elderly_care', urgency: 'critical' });
    expect(kinds.get('smoke')).toMatchObject({ category: 'fire_gas_emergency', urgency: 'critical' });
    // The wristband's HEALTH and GRID posts come from its category.
    expect(taxonomy.category('elderly_care').assist).toEqual(expect.arrayContaining(['HEALTH', 'GRID']));
    expect(describeAlarm(kinds.get('gas_high')!, { value: 2.3, threshold: 1.0, place: '化粪池 3栋旁' })).toBe('燃气浓度 2.3%LEL 超过阈值 1（化粪池 3栋旁）');
    expect(describeAlarm(kinds.get('heart_rate_low')!, { value: 38, threshold: 50, place: '5栋' })).toBe('心率 38次/分 低于阈值 50（5栋）');
  });

  it('refuse a kind naming a code the taxonomy lacks', () => {
    const kind = { kind: 'flood', name: '水位', unit: 'cm', trips: 'above' as const, urgency: 'high' as const };
    expect(() => alarmKindsFrom([{ ...kind, category: 'no_such_category' }], taxonomy)).toThrow(/no_such_category, which is not a category/);
    expect(() => alarmKindsFrom([{ ...kind, category: 'chat' }], taxonomy)).toThrow(/not a category/);
  });
});
