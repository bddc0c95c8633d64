// The digests' periods in the street's calendar, and their wording.
import { dailyDigestText, rateText } from '../../handlers/digests/digestText';
import { previousDay, previousMonth, previousWeek } from '../../handlers/digests/periods';
import { loadConfig } from '../../config';
import { serviceFigures } from '../../storage/queries/serviceStats';

const zone = 'Asia/Shanghai';

describe('digest periods', () => {
  it('reports on yesterday, last Monday-to-Sunday and last month, local time', () => {
    expect(previousDay(new Date('2026-12-03T00:30:00Z'), zone)).toEqual({ start: '2026-12-02', from: new Date('2026-12-01T16:00:00Z'), to: new Date('2026-12-02T16:00:00Z') });
    expect(previousWeek(new Date('2026-12-07T01:00:00Z'), zone)).toEqual({ start: '2026-11-30', from: new Date('2026-11-29T16:00:00Z'), to: new Date('2026-12-06T16:00:00Z') });
    expect(previousWeek(new Date('2026-12-07T01:00:00Z'), zone, 2).start).toBe('2026-11-23');
    expect(previousMonth(new Date('2027-01-01T01:00:00Z'), zone)).toEqual({ start: '2026-12-01', from: new Date('2026-11-30T16:00:00Z'), to: new Date('2026-12-31T16:00:00Z') });
  });
});

describe('digest text', () => {
  it('writes rates as met/of with a percentage, and — when nothing was decided', () => {
    expect(rateText({ rate: 0.6667, met: 2, of: 3 })).toBe('2/3（66.7%）');
    expect(rateText({ rate: null, met: 0, of: 0 })).toBe('—');
  });

  it('says 无 when no case is open', () => {
    const text = dailyDigestText({ day: '2026-12-02', overall: serviceFigures([], new Date()), resolved: 0, overdue: 0, reopened: 0, byPost: [], byCategory: [], oldestOpen: [] });
    expect(text).toBe('【日调度】2026-12-02\n新增 0 件，按时受理 —，办结 0 件，超期 0 件，重开 0 件\n最久未办结：无');
  });
});

describe('digest schedules', () => {
  it('default to 08:30 daily, Monday 09:00 and the 1st 09:00; each can be off; a bad one is refused by name', () => {
    expect(loadConfig({}).digestCrons).toEqual({ daily: '0 30 8 * * *', weekly: '0 0 9 * * 1', monthly: '0 0 9 1 * *' });
    expect(loadConfig({ DIGEST_DAILY_CRON: 'off', DIGEST_WEEKLY_CRON: 'off', DIGEST_MONTHLY_CRON: '0 0 8 1 * *' }).digestCrons).toEqual({ daily: null, weekly: null, monthly: '0 0 8 1 * *' });
    expect(() => loadConfig({ DIGEST_WEEKLY_CRON: 'mondays' })).toThrow(/DIGEST_WEEKLY_CRON.*six-field/);
  });
});
