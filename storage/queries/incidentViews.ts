// Incidents as the admin API shows them: flat fields, the posts involved, the reporter's platform id, and
// on request the timeline. Loads related rows in batches so a page of incidents is a handful of queries.
import { In, type FindOptionsWhere } from 'typeorm';
import type { Reader } from '../database';
import { Assignment, Incident, IncidentReporter, Person, TimelineEntry } from '../entities';
import { isOverdue, overdueBranches } from './openIncidents';

export interface IncidentSummary {
  id: string;
  number: string;
  category: string;
  urgency: Incident['urgency'];
  status: Incident['status'];
  leadPost: string;
  assistPosts: string[];
  groupId: string;
  /** The grid (org unit code) it was filed under, or null. */
  grid: string | null;
  /** The reporter's platform user id (what the sandbox and the platforms call userId). */
  reporter: string;
  reporterName: string;
  place: string;
  /** The place as the gazetteer knows it, or null. */
  placeKey: string | null;
  /** People who reported it (报告人 ×N). */
  reportCount: number;
  text: string;
  confidence: number;
  classifiedBy: string;
  createdAt: string;
  acceptBy: string;
  arriveBy: string | null;
  resolveBy: string;
  acceptedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  /** grid, community, street or district: where the case is handled (上报 raises it). */
  level: Incident['level'];
  reopenCount: number;
  satisfaction: Incident['satisfaction'];
  /** The service-level clock's round: 0 from the report, one more with each 改派 or reopening. */
  clockRound: number;
  /** Past a deadline it has not met, as of the answer. */
  overdue: boolean;
}

export interface IncidentDetail extends IncidentSummary {
  /** Everyone who reported it: the first reporter, then each neighbour whose report joined it. */
  reporters: { name: string; userId: string; at: string; first: boolean }[];
  assignments: { post: string; role: Assignment['role']; status: Assignment['status']; note: string | null }[];
  timeline: { at: string; type: string; actor: string; actorId: string | null; note: string | null }[];
}

export interface IncidentFilter {
  status?: Incident['status'];
  category?: string;
  urgency?: Incident['urgency'];
  /** The lead post's code (主办岗位). */
  post?: string;
  /** The grid's org unit code. */
  grid?: string;
  /** Past a deadline it has not met, as of `now` (isOverdue). */
  overdue?: boolean;
  limit: number;
  offset: number;
}

export async function listIncidents(reader: Reader, filter: IncidentFilter, now: Date): Promise<{ items: IncidentSummary[]; total: number }> {
  const base: FindOptionsWhere<Incident> = {};
  if (filter.category) base.category = filter.category;
  if (filter.urgency) base.urgency = filter.urgency;
  if (filter.status) base.status = filter.status;
  if (filter.post) base.leadPost = filter.post;
  if (filter.grid) base.orgUnitCode = filter.grid;
  const where =
    filter.overdue === undefined
      ? [base]
      : overdueBranches(now, filter.overdue).flatMap(({ statuses, where: branch }) => {
          const kept = filter.status ? statuses.filter((status) => status === filter.status) : statuses;
          return kept.length ? [{ ...base, ...branch, status: In(kept) }] : [];
        });
  if (where.length === 0) return { items: [], total: 0 };
  const [incidents, total] = await reader.findAndCount(Incident, {
    where,
    order: { createdAt: 'DESC', number: 'DESC' },
    take: filter.limit,
    skip: filter.offset,
  });
  return { items: await summarise(reader, incidents, now), total };
}

/** By id or by readable number (A-20261124-0007). */
export async function findIncidentDetail(reader: Reader, idOrNumber: string, now: Date): Promise<IncidentDetail | null> {
  const incident = (await reader.findOneBy(Incident, { id: idOrNumber })) ?? (await reader.findOneBy(Incident, { number: idOrNumber }));
  if (!incident) return null;
  const [summary] = await summarise(reader, [incident], now);
  const assignments = await reader.find(Assignment, { where: { incidentId: incident.id }, order: { createdAt: 'ASC' } });
  const timeline = await reader.find(TimelineEntry, { where: { incidentId: incident.id }, order: { at: 'ASC', id: 'ASC' } });
  const joined = await reader.find(IncidentReporter, { where: { incidentId: incident.id }, order: { createdAt: 'ASC' } });
  const people = await reader.findBy(Person, { id: In([incident.reporterId, ...joined.map((r) => r.personId)]) });
  const person = (id: string) => people.find((p) => p.id === id);
  const reporters = [
    { name: person(incident.reporterId)?.name ?? '', userId: person(incident.reporterId)?.platformUserId ?? incident.reporterId, at: incident.createdAt.toISOString(), first: true },
    ...joined.map((r) => ({ name: person(r.personId)?.name ?? '', userId: person(r.personId)?.platformUserId ?? r.personId, at: r.createdAt.toISOString(), first: false })),
  ];
  return {
    ...summary,
    reporters,
    assignments: assignments.map((a) => ({ post: a.postCode, role: a.role, status: a.status, note: a.note })),
    timeline: timeline.map((t) => ({ at: t.at.toISOString(), type: t.type, actor: t.actor, actorId: t.actorId, note: t.note })),
  };
}

export async function summarise(reader: Reader, incidents: Incident[], now: Date): Promise<IncidentSummary[]> {
  if (incidents.length === 0) return [];
  const ids = incidents.map((i) => i.id);
  const assignments = await reader.findBy(Assignment, { incidentId: In(ids) });
  const people = await reader.findBy(Person, { id: In([...new Set(incidents.map((i) => i.reporterId))]) });
  const personById = new Map(people.map((p) => [p.id, p]));
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return incidents.map((incident) => {
    const reporter = personById.get(incident.reporterId);
    return {
      id: incident.id,
      number: incident.number,
      category: incident.category,
      urgency: incident.urgency,
      status: incident.status,
      leadPost: incident.leadPost,
      assistPosts: assignments.filter((a) => a.incidentId === incident.id && a.role === 'assist').map((a) => a.postCode),
      groupId: incident.groupId,
      grid: incident.orgUnitCode,
      reporter: reporter?.platformUserId ?? incident.reporterId,
      reporterName: reporter?.name ?? '',
      place: incident.place,
      placeKey: incident.placeKey,
      reportCount: incident.reportCount,
      text: incident.text,
      confidence: incident.confidence,
      classifiedBy: incident.classifiedBy,
      createdAt: incident.createdAt.toISOString(),
      acceptBy: incident.acceptBy.toISOString(),
      arriveBy: iso(incident.arriveBy),
      resolveBy: incident.resolveBy.toISOString(),
      acceptedAt: iso(incident.acceptedAt),
      resolvedAt: iso(incident.resolvedAt),
      closedAt: iso(incident.closedAt),
      level: incident.level,
      reopenCount: incident.reopenCount,
      satisfaction: incident.satisfaction,
      clockRound: incident.clockRound,
      overdue: isOverdue(incident, now),
    };
  });
}
