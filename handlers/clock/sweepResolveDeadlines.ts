// The resolve sweep: a heads-up (临期提醒) to the worker who accepted, at 80% of the resolve limit; 督办 to
// the post's group and the command centre once the limit has passed, and the lead's card updated to read
// 已超时. Each step is taken once (clockSteps.ts); a heads-up not yet sent when the deadline passes is dropped.
import type { EntityManager } from 'typeorm';
import { Assignment, Person, type ClockStepName, type Incident } from '../../storage/entities';
import { AWAITING_RESOLUTION, casesWithStepsLeft } from '../../storage/queries/openIncidents';
import type { HandlerContext } from '../context';
import { resolveOverdueNotice, resolveWarningNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { refreshCards } from '../incidents/caseChanges';
import { BOT, recordTimeline } from '../incidents/timeline';
import { dueSteps, resolveClock, RESOLVE_WARNING_AT, type ClockStepDue } from './acceptLadder';
import { takeClockStep } from './clockSteps';
import { isHeldForQuietHours } from './quietHours';
import type { StepTaken } from './sweepAcceptDeadlines';

const HOUR = 3_600_000;

export async function sweepResolveDeadlines(context: HandlerContext): Promise<StepTaken[]> {
  const now = context.clock();
  // A heads-up falls due when 20% of the limit is left: no case's is further ahead than 20% of the longest limit.
  const longestLimitMs = Math.max(...context.taxonomy.data.categories.map((c) => c.resolve_h)) * HOUR * context.policy.slaScale;
  const horizon = new Date(now.getTime() + Math.ceil(longestLimitMs * (1 - RESOLVE_WARNING_AT)) + 1000);
  const cases = await casesWithStepsLeft(context.db.read, { statuses: AWAITING_RESOLUTION, deadline: 'resolveBy', horizon, steps: ['resolve_overdue'] });
  const taken: StepTaken[] = [];
  for (const incident of cases) {
    const due = dueSteps(resolveClock(incident), now);
    const step = due.find((s) => s.step === 'resolve_overdue') ?? due.find((s) => s.step === 'resolve_warning' && incident.status === 'accepted');
    if (!step) continue;
    if (isHeldForQuietHours(incident, step.step === 'resolve_warning', now, context.policy.quietHours, context.timeZone)) continue;
    const outbox = await context.db.write((manager) => takeResolveStep(manager, incident, step, context, now));
    if (!outbox) continue;
    await outbox.flush(context);
    taken.push({ incident: incident.number, step: step.step });
    context.log.warn({ incident: incident.number, step: step.step, dueAt: step.dueAt }, 'resolve clock step taken');
  }
  return taken;
}

async function takeResolveStep(manager: EntityManager, seen: Incident, due: ClockStepDue, context: HandlerContext, now: Date): Promise<Outbox | null> {
  const step: ClockStepName = due.step;
  const incident = await takeClockStep(manager, { incidentId: seen.id, round: seen.clockRound, step, dueAt: due.dueAt }, now, (current) =>
    step === 'resolve_warning' ? current.status === 'accepted' : AWAITING_RESOLUTION.includes(current.status));
  if (!incident) return null;

  const owner = await ownerOf(manager, incident);
  const names = { incident, categoryName: context.taxonomy.category(incident.category).name, postName: context.taxonomy.post(incident.leadPost).name };
  const postGroup = (await context.groups.workerGroupOf(incident.leadPost, incident)) ?? (await context.groups.commandGroup());
  const outbox = new Outbox(manager, now);
  const send = async (group: { id: string } | null, text: string) => {
    if (group) await outbox.add('text', group.id, text, { incidentId: incident.id });
    else context.log.error({ incident: incident.number, step }, 'no group to send the clock step to');
  };
  if (step === 'resolve_warning') {
    const text = resolveWarningNotice(names, owner, incident.resolveBy.getTime() - now.getTime(), context.timeZone);
    await send(postGroup, text);
    await recordTimeline(manager, incident.id, now, step, BOT, text);
    return outbox;
  }
  const overdue = { ...names, lateMs: now.getTime() - incident.resolveBy.getTime() };
  const toPost = resolveOverdueNotice(overdue, owner, false);
  await send(postGroup, toPost);
  const command = await context.groups.commandGroup();
  if (command && command.id !== postGroup?.id) await send(command, resolveOverdueNotice(overdue, owner, true));
  await recordTimeline(manager, incident.id, now, step, BOT, toPost);
  await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.postCode === incident.leadPost });
  return outbox;
}

/** The worker who accepted for the lead post, if someone has. */
async function ownerOf(manager: EntityManager, incident: Incident): Promise<string | null> {
  const lead = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: incident.leadPost });
  if (!lead?.ownerId) return null;
  return (await manager.findOneBy(Person, { id: lead.ownerId }))?.name ?? null;
}
