// The ladder a case climbs while nobody accepts it: at its accept deadline a reminder (催办) in the post's
// group; one accept interval later the post's leader; one more and the command centre. A critical case goes
// to the command centre at its first miss. Pure: the sweep decides which steps are due and takes each once.
import type { ClockStepName, Incident } from '../../storage/entities';

export interface LadderStep {
  step: ClockStepName;
  dueAt: Date;
}

/** The steps in the order they are taken, each with when it falls due. */
export function acceptLadder(incident: Pick<Incident, 'urgency' | 'createdAt' | 'acceptBy'>): LadderStep[] {
  const missedAt = incident.acceptBy.getTime();
  // The interval is the case's own accept limit (SLA_SCALE shortens both alike); a second at the least.
  const interval = Math.max(1000, missedAt - incident.createdAt.getTime());
  return [
    { step: 'accept_reminder' as const, dueAt: new Date(missedAt) },
    { step: 'accept_leader' as const, dueAt: new Date(missedAt + interval) },
    { step: 'accept_command' as const, dueAt: new Date(incident.urgency === 'critical' ? missedAt : missedAt + 2 * interval) },
  ].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

export function dueSteps(incident: Pick<Incident, 'urgency' | 'createdAt' | 'acceptBy'>, now: Date): LadderStep[] {
  return acceptLadder(incident).filter((step) => step.dueAt <= now);
}
