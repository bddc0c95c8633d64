// Open cases by deadline: what the service-level sweeps act on. Served by ix_incidents_status_accept_by /
// ix_incidents_status_resolve_by, so the cost follows the open cases, not the whole history.
import { LessThan, MoreThanOrEqual, type FindOptionsWhere } from 'typeorm';
import type { Reader } from '../database';
import { Incident, type ClockStepName } from '../entities';

/** Waiting for someone to accept: dispatched, or returned to the dispatcher. */
export const AWAITING_ACCEPT: Incident['status'][] = ['dispatched', 'returned'];

/**
 * Cases with a clock step still to take: past `deadline` (acceptBy or resolveBy) before `horizon`, in one of
 * `statuses`, and with fewer than all of `steps` taken in their current round. A case whose ladder is
 * complete drops out, so the sweep's cost follows the cases it still has to act on.
 */
export function casesWithStepsLeft(
  reader: Reader,
  query: { statuses: Incident['status'][]; deadline: 'acceptBy' | 'resolveBy'; horizon: Date; steps: ClockStepName[] },
  limit = 500,
): Promise<Incident[]> {
  return reader
    .createQueryBuilder(Incident, 'incident')
    .where('incident.status IN (:...statuses)', { statuses: query.statuses })
    .andWhere(`incident.${query.deadline} < :horizon`, { horizon: query.horizon })
    .andWhere(
      `(SELECT COUNT(*) FROM clock_steps taken WHERE taken.incidentId = incident.id AND taken.round = incident.clockRound AND taken.step IN (:...steps)) < :all`,
      { steps: query.steps, all: query.steps.length },
    )
    .orderBy(`incident.${query.deadline}`, 'ASC')
    .take(limit)
    .getMany();
}

/** Resolved and unanswered for longer than `answerMs`: closed by the clock. Served by ix_incidents_status_resolved. */
export function resolvedCasesUnanswered(reader: Reader, now: Date, answerMs: number, limit = 500): Promise<Incident[]> {
  return reader.find(Incident, {
    where: { status: 'resolved', resolvedAt: LessThan(new Date(now.getTime() - answerMs)) },
    order: { resolvedAt: 'ASC' },
    take: limit,
  });
}

/** Not yet resolved (or closed, or merged into another): the resolve deadline still runs. */
export const AWAITING_RESOLUTION: Incident['status'][] = ['new', 'dispatched', 'accepted', 'returned'];

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
