// Quiet hours (22:00–07:00 by default): reminders addressed to one person wait for the morning unless the
// case is critical. A held step is simply not taken yet; the first sweep after quiet hours end takes it.
import type { Incident } from '../../storage/entities';
import type { QuietHours } from '../context';
import { localMinuteOfDay } from '../localTime';

export function isQuietTime(now: Date, quietHours: QuietHours | null, timeZone: string): boolean {
  if (!quietHours) return false;
  const minute = localMinuteOfDay(now, timeZone);
  const { startMinute, endMinute } = quietHours;
  return startMinute < endMinute ? minute >= startMinute && minute < endMinute : minute >= startMinute || minute < endMinute;
}

/** A step for one person (the post's leader, the accepting worker) about a case that can wait until morning. */
export function isHeldForQuietHours(incident: Pick<Incident, 'urgency'>, isForOnePerson: boolean, now: Date, quietHours: QuietHours | null, timeZone: string): boolean {
  return isForOnePerson && incident.urgency !== 'critical' && isQuietTime(now, quietHours, timeZone);
}
