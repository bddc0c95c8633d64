// Open cases by deadline: what the service-level sweeps act on. Served by ix_incidents_status_accept_by /
// ix_incidents_status_resolve_by, so the cost follows the open cases, not the whole history.
import { In, LessThan, MoreThanOrEqual, type FindOptionsWhere } from 'typeorm';
import type { Reader } from '../database';
import { Incident } from '../entities';

/** Waiting for someone to accept: dispatched, returned to the dispatcher, or escalated. */
export const AWAITING_ACCEPT: Incident['status'][] = ['dispatched', 'returned', 'escalated'];

export function openIncidentsPastAcceptDeadline(reader: Reader, now: Date, limit = 500): Promise<Incident[]> {
  return reader.find(Incident, { where: { status: In(AWAITING_ACCEPT), acceptBy: LessThan(now) }, order: { acceptBy: 'ASC' }, take: limit });
}

/** Not yet resolved (or closed, or merged into another): the resolve deadline still runs. */
export const AWAITING_RESOLUTION: Incident['status'][] = ['new', 'dispatched', 'accepted', 'returned', 'escalated'];

/** Past a deadline it has not met: not accepted by its accept deadline, or not resolved by its resolve deadline. */
export function isOverdue(incident: Pick<Incident, 'status' | 'acceptBy' | 'resolveBy'>, now: Date): boolean {
  const pastAccept = (incident.status === 'new' || AWAITING_ACCEPT.includes(incident.status)) && incident.acceptBy < now;
  const pastResolve = AWAITING_RESOLUTION.includes(incident.status) && incident.resolveBy < now;
  return pastAccept || pastResolve;
}

/** Resolved, closed, or merged into another: no deadline runs. */
export const FINISHED: Incident['status'][] = ['resolved', 'closed', 'merged'];

/** One OR branch of a condition on deadlines: the statuses it holds for, and what else it requires. */
export interface StatusBranch {
  statuses: Incident['status'][];
  where: FindOptionsWhere<Incident>;
}

/** isOverdue (or, with isWanted false, its opposite) as query branches, to combine with other filters. */
export function overdueBranches(now: Date, isWanted = true): StatusBranch[] {
  const awaitingAccept: Incident['status'][] = ['new', ...AWAITING_ACCEPT];
  if (isWanted) {
    return [
      { statuses: awaitingAccept, where: { acceptBy: LessThan(now) } },
      { statuses: AWAITING_RESOLUTION, where: { resolveBy: LessThan(now) } },
    ];
  }
  return [
    { statuses: FINISHED, where: {} },
    { statuses: AWAITING_RESOLUTION.filter((status) => !awaitingAccept.includes(status)), where: { resolveBy: MoreThanOrEqual(now) } },
    { statuses: awaitingAccept, where: { acceptBy: MoreThanOrEqual(now), resolveBy: MoreThanOrEqual(now) } },
  ];
}
