// The accept sweep: every case past its accept deadline and still not accepted climbs its ladder
// (acceptLadder.ts), each step taken once (clockSteps.ts). The first miss also refreshes the lead's card,
// so it reads 已超时.
import type { EntityManager } from 'typeorm';
import type { ClockStepName, Incident } from '../../storage/entities';
import { AWAITING_ACCEPT, casesWithStepsLeft } from '../../storage/queries/openIncidents';
import type { HandlerContext } from '../context';
import { acceptCommandNotice, acceptLeaderNotice, acceptReminderNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { refreshCards } from '../incidents/caseChanges';
import { BOT, recordTimeline } from '../incidents/timeline';
import { acceptLadder, dueSteps, type ClockStepDue } from './acceptLadder';
import { memberNames, takeClockStep } from './clockSteps';
import { isHeldForQuietHours } from './quietHours';

export interface StepTaken {
  incident: string;
  step: ClockStepName;
}

const ACCEPT_STEPS: ClockStepName[] = ['accept_reminder', 'accept_leader', 'accept_command'];

/** Returns the steps taken by this sweep. */
export async function sweepAcceptDeadlines(context: HandlerContext): Promise<StepTaken[]> {
  const now = context.clock();
  const taken: StepTaken[] = [];
  const cases = await casesWithStepsLeft(context.db.read, { statuses: AWAITING_ACCEPT, deadline: 'acceptBy', horizon: now, steps: ACCEPT_STEPS });
  for (const incident of cases) {
    for (const due of dueSteps(acceptLadder(incident), now)) {
      // The leader is one person: a non-critical case waits for the end of quiet hours to wake them.
      if (isHeldForQuietHours(incident, due.step === 'accept_leader', now, context.policy.quietHours, context.timeZone)) continue;
      const outbox = await context.db.write((manager) => takeAcceptStep(manager, incident, due, context, now));
      if (!outbox) continue;
      await outbox.flush(context);
      taken.push({ incident: incident.number, step: due.step });
      context.log.warn({ incident: incident.number, step: due.step, dueAt: due.dueAt }, 'accept deadline missed: clock step taken');
    }
  }
  return taken;
}

async function takeAcceptStep(manager: EntityManager, seen: Incident, due: ClockStepDue, context: HandlerContext, now: Date): Promise<Outbox | null> {
  const { step } = due;
  const incident = await takeClockStep(manager, { incidentId: seen.id, round: seen.clockRound, step, dueAt: due.dueAt }, now, (current) => AWAITING_ACCEPT.includes(current.status) && !current.acceptedAt);
  if (!incident) return null;

  const overdue = {
    incident,
    categoryName: context.taxonomy.category(incident.category).name,
    postName: context.taxonomy.post(incident.leadPost).name,
    lateMs: now.getTime() - incident.acceptBy.getTime(),
  };
  const isForCommand = step === 'accept_command';
  const members = isForCommand ? [] : await memberNames(manager, incident.leadPost, step === 'accept_leader');
  const text = isForCommand ? acceptCommandNotice(overdue) : step === 'accept_reminder' ? acceptReminderNotice(overdue, members) : acceptLeaderNotice(overdue, members);
  // A post without a worker group is reminded through the command centre.
  const group = (isForCommand ? null : await context.groups.workerGroupOf(incident.leadPost, incident)) ?? (await context.groups.commandGroup());
  const outbox = new Outbox(manager, now);
  if (group) await outbox.add('text', group.id, text, { incidentId: incident.id });
  else context.log.error({ incident: incident.number, step }, 'no group to send the clock step to');
  await recordTimeline(manager, incident.id, now, step, BOT, text);
  if (step === 'accept_reminder') await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.postCode === incident.leadPost });
  return outbox;
}
