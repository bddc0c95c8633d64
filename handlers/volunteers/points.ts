// Volunteer points (积分): a rider volunteer earns points for a report that becomes a case (the first
// reporter only) and for a door-to-door task they completed; the rules are data (seeds/volunteer-points.json).
// Points are written in the same transaction as what earns them, once per thing (a unique row), so a retried
// job or a repeated click never pays twice. `我的积分` in chat answers with the total, this week's and the rank.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { In, MoreThanOrEqual, type EntityManager } from 'typeorm';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { ChatGroup, GroupMember, Person, VolunteerPoint, type Incident, type VisitOutcome } from '../../storage/entities';
import type { Reader } from '../../storage/database';
import { SCAM_CONTENT_CATEGORY } from '../../seeds/taxonomy';

const rulesSchema = z.object({
  report: z.number().int().min(0),
  criticalReportBonus: z.number().int().min(0),
  visitDone: z.object({ dissuaded: z.number().int().min(0), needs_police: z.number().int().min(0), not_home: z.number().int().min(0) }),
});

export type PointRules = z.infer<typeof rulesSchema>;

export function loadPointRules(file = fromProjectRoot('seeds', 'volunteer-points.json')): PointRules {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`volunteer points ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = rulesSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`volunteer points ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** A member of a volunteer group (the riders'): only they earn points. */
export async function isVolunteer(reader: Reader | EntityManager, personId: string): Promise<boolean> {
  const memberships = await reader.find(GroupMember, { where: { personId }, select: { groupId: true } });
  if (memberships.length === 0) return false;
  return reader.existsBy(ChatGroup, { id: In(memberships.map((m) => m.groupId)), kind: 'volunteer' });
}

/** Inside the transaction that opened the case: its first reporter's points, when they are a volunteer. */
export async function awardReportPoints(manager: EntityManager, incident: Incident, rules: PointRules, now: Date): Promise<number> {
  if (incident.category === SCAM_CONTENT_CATEGORY) return 0; // the "reporter" posted the bait
  if (!(await isVolunteer(manager, incident.reporterId))) return 0;
  const points = rules.report + (incident.urgency === 'critical' ? rules.criticalReportBonus : 0);
  return award(manager, { personId: incident.reporterId, reason: 'report', forId: incident.id, points }, now);
}

/** Inside the transaction that recorded the task done: the rider's points for its outcome. */
export async function awardVisitPoints(manager: EntityManager, visit: { id: string; takenById: string; outcome: VisitOutcome }, rules: PointRules, now: Date): Promise<number> {
  return award(manager, { personId: visit.takenById, reason: 'visit', forId: visit.id, points: rules.visitDone[visit.outcome] }, now);
}

async function award(manager: EntityManager, earned: Pick<VolunteerPoint, 'personId' | 'reason' | 'forId' | 'points'>, now: Date): Promise<number> {
  if (earned.points <= 0 || (await manager.existsBy(VolunteerPoint, { reason: earned.reason, forId: earned.forId }))) return 0;
  await manager.insert(VolunteerPoint, { id: randomUUID(), ...earned, createdAt: now });
  return earned.points;
}

export interface VolunteerStanding {
  personId: string;
  name: string;
  userId: string;
  points: number;
  reports: number;
  visits: number;
}

/** Volunteers by points earned since `since` (all time when null), most first; ties by name. */
export async function pointsTable(reader: Reader, since: Date | null): Promise<VolunteerStanding[]> {
  const rows = await reader.find(VolunteerPoint, since ? { where: { createdAt: MoreThanOrEqual(since) } } : {});
  const byPerson = new Map<string, { points: number; reports: number; visits: number }>();
  for (const row of rows) {
    const entry = byPerson.get(row.personId) ?? { points: 0, reports: 0, visits: 0 };
    entry.points += row.points;
    if (row.reason === 'report') entry.reports += 1;
    else entry.visits += 1;
    byPerson.set(row.personId, entry);
  }
  const people = byPerson.size ? await reader.findBy(Person, { id: In([...byPerson.keys()]) }) : [];
  return people
    .map((person) => ({ personId: person.id, name: person.name, userId: person.platformUserId, ...byPerson.get(person.id)! }))
    .sort((a, b) => b.points - a.points || a.name.localeCompare(b.name, 'zh'));
}
