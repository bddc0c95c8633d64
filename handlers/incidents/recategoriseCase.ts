// 改类 through the admin API: the dispatcher (or a supervisor) corrects an open case's category. The case
// goes to the new category's lead and assisting posts as a new round of the clock (their cards come, the old
// posts' cards lose their buttons), a critical case stays critical, the timeline records from what to what,
// and the resident is told who handles it now. The correction is a labelled example (GET /api/labels).
import { Assignment, Card, Incident } from '../../storage/entities';
import { findForUpdateOrFail } from '../../storage/queries/rowLocks';
import type { HandlerContext } from '../context';
import { reroutedNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { conflict, invalid, notFound } from '../errors';
import { moveIncident, refreshCards, reporterOf, tellReporter } from './caseChanges';
import { serviceDeadlines } from './deadlines';
import { dispatchToPost } from './dispatchToPost';
import { incidentTransition, isFinished } from './incidentStateMachine';
import { recordTimeline } from './timeline';

export async function recategoriseCase(idOrNumber: string, categoryCode: string, by: string, context: HandlerContext): Promise<{ incident: Incident; changed: boolean }> {
  const { taxonomy } = context;
  if (!taxonomy.isIncidentCategory(categoryCode)) throw invalid(`改类: ${categoryCode} is not an incident category of the taxonomy`);
  const now = context.clock();
  const found = await context.db.read.findOne(Incident, { where: [{ id: idOrNumber }, { number: idOrNumber }] });
  if (!found) throw notFound(`incident ${idOrNumber} does not exist`);

  const result = await context.db.write(async (manager) => {
    const incident = await findForUpdateOrFail(manager, Incident, { id: found.id });
    if (incident.category === categoryCode) return { incident, outbox: null };
    if (isFinished(incident.status)) throw conflict(`incident ${incident.number} is already ${incident.status}`);
    const step = incidentTransition(incident.status, 'recategorise');
    if (!step.allowed) throw conflict(`incident ${incident.number}: ${step.reason}`);
    const previous = taxonomy.category(incident.category);
    const category = taxonomy.category(categoryCode);
    const urgency = incident.urgency === 'critical' ? 'critical' : category.urgency;
    const actor = { name: by, userId: null };
    const outbox = new Outbox(manager, now);

    await moveIncident(manager, incident, {
      status: step.to, category: category.code, urgency, level: category.level, leadPost: category.lead, acceptedAt: null,
      ...serviceDeadlines(category, urgency, now, context.policy.slaScale),
      clockRound: incident.clockRound + 1, clockStartedAt: now,
    }, now);
    const chosen = new Map<string, Assignment['role']>([[category.lead, 'lead'], ...category.assist.map((code) => [code, 'assist'] as [string, Assignment['role']])]);
    for (const assignment of await manager.findBy(Assignment, { incidentId: incident.id })) {
      const role = chosen.get(assignment.postCode);
      if (role) {
        await manager.update(Assignment, { id: assignment.id }, { role, status: 'pending', ownerId: null, acceptedAt: null, note: null, updatedAt: now });
        await manager.update(Card, { assignmentId: assignment.id }, { lastActor: null, lastActionAt: null });
        chosen.delete(assignment.postCode);
      } else if (assignment.status === 'pending' || assignment.status === 'accepted' || assignment.status === 'returned') {
        await manager.update(Assignment, { id: assignment.id }, { status: 'rerouted', note: `改类至${category.name}`, updatedAt: now });
      }
    }
    // Every earlier card shows the new category (and loses its buttons where its post is out of it).
    await refreshCards(manager, incident, outbox, context, now);
    for (const [code, role] of chosen) await dispatchToPost(manager, incident, { code, role }, outbox, context, now);

    await recordTimeline(manager, incident.id, now, 'recategorised', actor, `改类：${previous.name}（${previous.code}）→ ${category.name}（${category.code}）`);
    const names = [category.lead, ...category.assist].map((code, i) => `${taxonomy.post(code).name}${i === 0 ? '主办' : '协办'}`).join('，');
    await recordTimeline(manager, incident.id, now, 'rerouted', actor, `改派至${names}`);
    const resident = await reporterOf(manager, incident);
    await tellReporter(outbox, incident, reroutedNotice(incident, taxonomy.post(category.lead).name, resident, context.timeZone));
    return { incident, outbox };
  });
  await result.outbox?.flush(context);
  if (result.outbox) context.log.info({ incident: result.incident.number, category: categoryCode, by }, 'case recategorised');
  return { incident: result.incident, changed: result.outbox !== null };
}
