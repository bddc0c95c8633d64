// The steps of the service-level clock, as pure functions of a case. The accept ladder, while nobody
// accepts: at the accept deadline a reminder (催办) in the post's group; one accept interval later the post's
// leader; one more and the command centre (a critical case: at its first miss). The resolve clock, while it
// is not resolved: a heads-up to the accepting worker at 80% of the resolve limit, 督办 when it has passed.
// Each round of the clock (改派 and reopening start one) measures from its own start.
import type { ClockStepName, Incident } from '../../storage/entities';

export interface ClockStepDue {
  step: ClockStepName;
  dueAt: Date;
}

type Timed = Pick<Incident, 'urgency' | 'createdAt' | 'clockStartedAt' | 'acceptBy' | 'resolveBy'>;

const roundStart = (incident: Timed) => (incident.clockStartedAt ?? incident.createdAt).getTime();

/** The accept steps in the order they are taken, each with when it falls due. */
export function acceptLadder(incident: Timed): ClockStepDue[] {
  const missedAt = incident.acceptBy.getTime();
  // The interval is the case's own accept limit (SLA_SCALE shortens both alike); a second at the least.
  const interval = Math.max(1000, missedAt - roundStart(incident));
  return [
    { step: 'accept_reminder' as const, dueAt: new Date(missedAt) },
    { step: 'accept_leader' as const, dueAt: new Date(missedAt + interval) },
    { step: 'accept_command' as const, dueAt: new Date(incident.urgency === 'critical' ? missedAt : missedAt + 2 * interval) },
  ].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export const RESOLVE_WARNING_AT = 0.8;

export function resolveClock(incident: Timed): ClockStepDue[] {
  const start = roundStart(incident);
  const limit = incident.resolveBy.getTime() - start;
  return [
    { step: 'resolve_warning', dueAt: new Date(start + Math.round(limit * RESOLVE_WARNING_AT)) },
    { step: 'resolve_overdue', dueAt: incident.resolveBy },
  ];
}

export function dueSteps(steps: ClockStepDue[], now: Date): ClockStepDue[] {
  return steps.filter((step) => step.dueAt <= now);
}
