// The resident closes the loop: 满意 closes the case; 不满意 or "还是没解决" reopens it with the post that
// resolved it, the resident's words on its card and a new resolve deadline; no answer within AUTO_CLOSE_H
// and the clock closes it. Each runs inside the caller's transaction, with the incident locked.
import type { EntityManager } from 'typeorm';
import { Assignment, Person, type Incident } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { autoClosedNotice, closedNotice, reopenedForPostNotice, reopenedNotice } from '../delivery/notices';
import type { Outbox } from '../delivery/outbox';
import { conflict } from '../errors';
import { moveIncident, refreshCards, reporterOf, tellReporter } from './caseChanges';
import { serviceDeadlines } from './deadlines';
import { incidentTransition } from './incidentStateMachine';
import { BOT, recordTimeline, type Actor } from './timeline';

interface Step {
  manager: EntityManager;
  incident: Incident;
  outbox: Outbox;
  context: HandlerContext;
  now: Date;
}

/** 满意, or (resident null) no answer in time. */
export async function closeCase(step: Step, resident: Actor | null): Promise<void> {
  const { manager, incident, outbox, context, now } = step;
  const caseStep = incidentTransition(incident.status, 'close');
  if (!caseStep.allowed) throw conflict(`incident ${incident.number}: ${caseStep.reason}`);
  await moveIncident(manager, incident, { status: caseStep.to, closedAt: now, ...(resident ? { satisfaction: 'satisfied' as const } : {}) }, now);
  const addressee = await reporterOf(manager, incident);
  const notice = resident ? closedNotice(incident, addressee) : autoClosedNotice(incident, addressee, context.policy.autoCloseMs * context.policy.slaScale);
  await recordTimeline(manager, incident.id, now, resident ? 'closed' : 'auto_closed', resident ?? BOT, resident ? '居民确认满意' : notice);
  await tellReporter(outbox, incident, notice);
  await refreshCards(manager, incident, outbox, context, now);
}

/** 不满意 / 还是没解决 / 又…: back to the lead post, to the worker who resolved it, with a new resolve deadline. */
export async function reopenCase(step: Step, resident: Actor, words: string): Promise<void> {
  const { manager, incident, outbox, context, now } = step;
  const caseStep = incidentTransition(incident.status, 'reopen');
  if (!caseStep.allowed) throw conflict(`incident ${incident.number}: ${caseStep.reason}`);
  const { resolveBy } = serviceDeadlines(context.taxonomy.category(incident.category), incident.urgency, now, context.policy.slaScale);
  await moveIncident(manager, incident, {
    status: caseStep.to,
    resolvedAt: null,
    closedAt: null,
    satisfaction: 'dissatisfied',
    reopenCount: incident.reopenCount + 1,
    resolveBy,
    clockRound: incident.clockRound + 1,
    clockStartedAt: now,
  }, now);

  const lead = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: incident.leadPost });
  if (lead) await manager.update(Assignment, { id: lead.id }, { status: 'accepted', note: words.slice(0, 1000), updatedAt: now });
  const owner = lead?.ownerId ? await manager.findOneBy(Person, { id: lead.ownerId }) : null;
  await recordTimeline(manager, incident.id, now, 'reopened', resident, words);

  const postName = context.taxonomy.post(incident.leadPost).name;
  await tellReporter(outbox, incident, reopenedNotice(incident, postName, await reporterOf(manager, incident), context.timeZone));
  const postGroup = (await context.groups.workerGroupOf(incident.leadPost, incident)) ?? (await context.groups.commandGroup());
  if (postGroup) await outbox.add('text', postGroup.id, reopenedForPostNotice(incident, owner?.name ?? null, words, context.timeZone), { incidentId: incident.id });
  await refreshCards(manager, incident, outbox, context, now);
}
