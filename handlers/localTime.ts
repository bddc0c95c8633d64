// Times as the street reads them: incident numbers carry the local date, messages show local clock times.

/** Building an Intl.DateTimeFormat is slow (it was the hottest function of ours in the bench profile): one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** And formatting with one is slow too, so each zone's offset from UTC is kept per quarter hour: every
 * real zone's offsets and its changes (daylight saving) fall on quarter hours. */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetMs(date: Date, timeZone: string): number {
  const quarter = Math.floor(date.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const key = `${timeZone} ${quarter}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const p = Object.fromEntries(formatter.formatToParts(new Date(quarter)).map((part) => [part.type, Number(part.value)]));
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - quarter;
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

function parts(date: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const local = new Date(date.getTime() + offsetMs(date, timeZone));
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    year: String(local.getUTCFullYear()),
    month: two(local.getUTCMonth() + 1),
    day: two(local.getUTCDate()),
    hour: two(local.getUTCHours()),
    minute: two(local.getUTCMinutes()),
  };
}

/** 20261124 */
export function localDateStamp(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}${p.month}${p.day}`;
}

/** 11-24 09:05 */
export function localShortTime(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "5 分钟", "2 小时", "3 天"; "40 秒" under a minute (SLA_SCALE demos live there). */
export function humanDuration(ms: number): string {
  if (ms < 59_500) return `${Math.max(1, Math.round(ms / 1000))} 秒`;
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = minutes / 60;
  if (hours < 48 || !Number.isInteger(hours / 24)) return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} 小时`;
  return `${hours / 24} 天`;
}

/** Minutes after local midnight, 0–1439. */
export function localMinuteOfDay(date: Date, timeZone: string): number {
  const local = new Date(date.getTime() + offsetMs(date, timeZone));
  return local.getUTCHours() * 60 + local.getUTCMinutes();
}

/** The instant a local calendar day ("2026-12-02") starts in the zone. */
export function localMidnight(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number);
  const guess = Date.UTC(year, month - 1, date);
  // The offset at the guess, then again at the answer: right across a daylight-saving change too.
  const first = guess - offsetMs(new Date(guess), timeZone);
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

/** "2026-12-02" */
export function localDay(date: Date, timeZone: string): string {
  const p = parts(date, timeZone);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The local Monday ("2026-11-30") of the week `date` falls in. */
export function localWeekStart(date: Date, timeZone: string): string {
  const [year, month, day] = localDay(date, timeZone).split('-').map(Number);
  const noon = Date.UTC(year, month - 1, day, 12);
  const daysSinceMonday = (new Date(noon).getUTCDay() + 6) % 7;
  return new Date(noon - daysSinceMonday * 86_400_000).toISOString().slice(0, 10);
}
