// The accept sweep: every case past its accept deadline and still not accepted climbs its ladder
// (acceptLadder.ts). Each step is taken in a transaction that first locks the incident and checks it still
// waits for an accept, then records the step under its unique key: an accept committed first stops the
// ladder, and a second sweep, scheduler or restart finds the step taken and sends nothing.
import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { ClockStep, Incident, Person, PostMember, type ClockStepName } from '../../storage/entities';
import { AWAITING_ACCEPT, openIncidentsPastAcceptDeadline } from '../../storage/queries/openIncidents';
import { findForUpdate } from '../../storage/queries/rowLocks';
import type { HandlerContext } from '../context';
import { acceptCommandNotice, acceptLeaderNotice, acceptReminderNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { BOT, recordTimeline } from '../incidents/timeline';
import { dueSteps } from './acceptLadder';

/** Returns the steps taken by this sweep. */
export async function sweepAcceptDeadlines(context: HandlerContext): Promise<{ incident: string; step: ClockStepName }[]> {
  const now = context.clock();
  const taken: { incident: string; step: ClockStepName }[] = [];
  for (const incident of await openIncidentsPastAcceptDeadline(context.db.read, now)) {
    for (const { step, dueAt } of dueSteps(incident, now)) {
      const outbox = await context.db.write((manager) => takeStep(manager, incident.id, step, dueAt, context, now));
      if (!outbox) continue;
      await outbox.flush(context);
      taken.push({ incident: incident.number, step });
      context.log.warn({ incident: incident.number, step, dueAt }, 'accept deadline missed: clock step taken');
    }
  }
  return taken;
}

async function takeStep(manager: EntityManager, incidentId: string, step: ClockStepName, dueAt: Date, context: HandlerContext, now: Date): Promise<Outbox | null> {
  const incident = await findForUpdate(manager, Incident, { id: incidentId });
  if (!incident || !AWAITING_ACCEPT.includes(incident.status) || incident.acceptedAt) return null; // accepted meanwhile
  if (await manager.existsBy(ClockStep, { incidentId, step })) return null; // taken by an earlier sweep
  await manager.insert(ClockStep, { incidentId, step, dueAt, takenAt: now });

  const overdue = {
    incident,
    categoryName: context.taxonomy.category(incident.category).name,
    postName: context.taxonomy.post(incident.leadPost).name,
    lateMs: now.getTime() - incident.acceptBy.getTime(),
  };
  const isForCommand = step === 'accept_command';
  const members = isForCommand ? [] : await membersOf(manager, incident.leadPost, step === 'accept_leader');
  const text = isForCommand ? acceptCommandNotice(overdue) : step === 'accept_reminder' ? acceptReminderNotice(overdue, members) : acceptLeaderNotice(overdue, members);
  // A post without a worker group is reminded through the command centre.
  const group = (isForCommand ? null : await context.groups.workerGroupOf(incident.leadPost)) ?? (await context.groups.commandGroup());
  const outbox = new Outbox(manager, now);
  if (group) await outbox.add('text', group.id, text, { incidentId });
  else context.log.error({ incident: incident.number, step }, 'no group to send the clock step to');
  await recordTimeline(manager, incidentId, now, step, BOT, text);
  return outbox;
}

/** The names of a post's members, or of its leaders only. */
async function membersOf(manager: EntityManager, postCode: string, leadersOnly: boolean): Promise<string[]> {
  const members = await manager.findBy(PostMember, leadersOnly ? { postCode, isLeader: true } : { postCode });
  if (members.length === 0) return [];
  const people = await manager.findBy(Person, { id: In(members.map((m) => m.personId)) });
  return people.map((person) => person.name).sort();
}
