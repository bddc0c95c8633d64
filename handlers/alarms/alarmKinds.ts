// The kinds of device alarm accepted and the category and urgency each becomes (seeds/alarm-kinds.json), read
// once at start-up and checked against the taxonomy: a kind naming a code the taxonomy lacks stops the start.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { URGENCIES, type Taxonomy, type Urgency } from '../../seeds/taxonomy';

const kindSchema = z.object({
  kind: z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'lower-case letters, digits and underscores'),
  /** What the value measures, in Chinese, as the incident's text says it (燃气浓度). */
  name: z.string().min(1).max(20),
  unit: z.string().max(10),
  /** The value trips the alarm above its threshold (gas, smoke) or below it (a heart rate). */
  trips: z.enum(['above', 'below']),
  category: z.string().min(1),
  urgency: z.enum(URGENCIES),
});
const fileSchema = z.object({ about: z.string().optional(), kinds: z.array(kindSchema).min(1) });

export type AlarmKind = z.infer<typeof kindSchema> & { urgency: Urgency };
export type AlarmKinds = ReadonlyMap<string, AlarmKind>;

export const ALARM_KINDS_FILE = fromProjectRoot('seeds', 'alarm-kinds.json');

export function loadAlarmKinds(taxonomy: Taxonomy, file = ALARM_KINDS_FILE): AlarmKinds {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`alarm kinds ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  return alarmKindsFrom(parsed.data.kinds, taxonomy, file);
}

export function alarmKindsFrom(kinds: AlarmKind[], taxonomy: Taxonomy, file = 'alarm kinds'): AlarmKinds {
  const byKind = new Map<string, AlarmKind>();
  for (const kind of kinds) {
    if (byKind.has(kind.kind)) throw new Error(`${file}: kind ${kind.kind} is listed twice`);
    // Only an incident category: consult and chat open no case.
    if (!taxonomy.isIncidentCategory(kind.category)) throw new Error(`${file}: kind ${kind.kind} names ${kind.category}, which is not a category of the taxonomy`);
    byKind.set(kind.kind, kind);
  }
  return byKind;
}

/** The incident's text: 燃气浓度 2.3%LEL 超过阈值 1.0（化粪池 3栋旁）. */
export function describeAlarm(kind: AlarmKind, alarm: { value: number; threshold: number; place: string }): string {
  const crossed = kind.trips === 'above' ? '超过' : '低于';
  return `${kind.name} ${alarm.value}${kind.unit} ${crossed}阈值 ${alarm.threshold}（${alarm.place}）`;
}
