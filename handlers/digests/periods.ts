// The periods the digests report on, in the street's local calendar: on a tick, the day, week or month before.
import { localDay, localMidnight, localWeekStart } from '../localTime';

export interface Period {
  /** The local day it starts ("2026-12-02"): the digest's key. */
  start: string;
  from: Date;
  to: Date;
}

const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const between = (start: string, end: string, timeZone: string): Period => ({ start, from: localMidnight(start, timeZone), to: localMidnight(end, timeZone) });

/** Yesterday, local. */
export function previousDay(now: Date, timeZone: string): Period {
  const today = localDay(now, timeZone);
  return between(shiftDay(today, -1), today, timeZone);
}

/** The week (Monday to Sunday) before the one `now` is in; `weeksBack` 2: the one before that. */
export function previousWeek(now: Date, timeZone: string, weeksBack = 1): Period {
  const thisMonday = localWeekStart(now, timeZone);
  return between(shiftDay(thisMonday, -7 * weeksBack), shiftDay(thisMonday, -7 * (weeksBack - 1)), timeZone);
}

/** The calendar month before the one `now` is in. */
export function previousMonth(now: Date, timeZone: string): Period {
  const [year, month] = localDay(now, timeZone).split('-').map(Number);
  const first = (y: number, m: number) => new Date(Date.UTC(y, m - 1, 1)).toISOString().slice(0, 10);
  return between(first(year, month - 1), first(year, month), timeZone);
}
