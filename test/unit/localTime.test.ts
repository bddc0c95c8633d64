import { localDateStamp, localShortTime } from '../../handlers/localTime';

/** What Intl says, formatted the slow way, to compare the kept offsets against. */
function expected(date: Date, timeZone: string) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  return { stamp: `${p.year}${p.month}${p.day}`, short: `${p.month}-${p.day} ${p.hour}:${p.minute}` };
}

describe('local times', () => {
  it('reads the street clock in Shanghai', () => {
    expect(localShortTime(new Date('2026-11-24T01:05:00Z'), 'Asia/Shanghai')).toBe('11-24 09:05');
    expect(localDateStamp(new Date('2026-11-24T16:30:00Z'), 'Asia/Shanghai')).toBe('20261125');
  });

  it.each(['Asia/Shanghai', 'America/New_York', 'Europe/London', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata'])(
    'agrees with Intl minute by minute around daylight-saving changes and at random instants (%s)',
    (timeZone) => {
      const instants: Date[] = [];
      // Every minute of the days around 2026's changes in the northern and southern hemispheres.
      for (const day of ['2026-03-08', '2026-03-29', '2026-04-05', '2026-10-04', '2026-10-25', '2026-11-01']) {
        const start = Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000;
        for (let m = 0; m < 48 * 60; m += 7) instants.push(new Date(start + m * 60_000));
      }
      let seed = 7;
      for (let i = 0; i < 500; i++) {
        seed = (seed * 48271) % 2147483647;
        instants.push(new Date(Date.UTC(2020, 0, 1) + (seed % (10 * 365 * 24 * 60)) * 60_000 + (seed % 60) * 1000));
      }
      for (const at of instants) {
        const want = expected(at, timeZone);
        expect({ at: at.toISOString(), short: localShortTime(at, timeZone), stamp: localDateStamp(at, timeZone) }).toEqual({ at: at.toISOString(), ...want });
      }
    },
  );
});
