// Times as the street reads them: incident numbers carry the local date, messages show local clock times.

/** Building an Intl.DateTimeFormat is slow (it was the hottest function of ours in the bench profile): one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(date: Date, timeZone: string): Record<string, string> {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const formatted = formatter.formatToParts(date);
  return Object.fromEntries(formatted.map((p) => [p.type, p.value]));
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

/** "5 分钟", "2 小时", "3 天" */
export function humanDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} 分钟`;
  const hours = minutes / 60;
  if (hours < 48 || !Number.isInteger(hours / 24)) return `${Number.isInteger(hours) ? hours : hours.toFixed(1)} 小时`;
  return `${hours / 24} 天`;
}
