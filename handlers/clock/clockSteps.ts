// Taking one step of the service-level clock, exactly once. In one transaction: lock the incident, check the
// step still applies to it (an accept committed first stops the accept ladder; a resolve stops the resolve
// clock; 改派 starts a new round), then record the step under its key (incident, round, step). A second
// sweep, a second scheduler or a restart finds the row and sends nothing; a crash before commit loses nothing,
// and the next sweep takes the step.
import { In, type EntityManager } from 'typeorm';
import { ClockStep, Incident, Person, PostMember, type ClockStepName } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';

export async function takeClockStep(
  manager: EntityManager,
  step: { incidentId: string; round: number; step: ClockStepName; dueAt: Date },
  now: Date,
  stillApplies: (incident: Incident) => boolean,
): Promise<Incident | null> {
  const incident = await findForUpdate(manager, Incident, { id: step.incidentId });
  if (!incident || incident.clockRound !== step.round || !stillApplies(incident)) return null;
  if (await manager.existsBy(ClockStep, { incidentId: step.incidentId, round: step.round, step: step.step })) return null;
  await manager.insert(ClockStep, { ...step, takenAt: now });
  return incident;
}

/** The names of a post's members, or of its leaders only. */
export async function memberNames(manager: EntityManager, postCode: string, leadersOnly: boolean): Promise<string[]> {
  const members = await manager.findBy(PostMember, leadersOnly ? { postCode, isLeader: true } : { postCode });
  if (members.length === 0) return [];
  const people = await manager.findBy(Person, { id: In(members.map((m) => m.personId)) });
  return people.map((person) => person.name).sort();
}
