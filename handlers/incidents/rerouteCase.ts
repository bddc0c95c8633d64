// 改派: the dispatcher sends a returned case to the post that should lead it (and any that should assist).
// The deadlines start again in a new round of the clock, the chosen posts get their cards, and the
// resident is told who handles the case now.
import { Assignment, Card } from '../../storage/entities';
import { DISPATCH_POST } from '../../seeds/taxonomy';
import { reroutedNotice } from '../delivery/notices';
import { conflict, invalid } from '../errors';
import type { CardClick } from './actOnCard';
import { moveIncident, refreshCards, reporterOf, tellReporter } from './caseChanges';
import { serviceDeadlines } from './deadlines';
import { dispatchToPost } from './dispatchToPost';
import { incidentTransition } from './incidentStateMachine';
import { recordTimeline } from './timeline';

export interface RerouteChoice {
  /** Defaults to the (new) category's lead post. */
  leadPost?: string;
  /** Default, when a category is given and no lead: the category's assisting posts. */
  assistPosts?: string[];
  /** 改类: the case's corrected category. */
  category?: string;
}

export async function rerouteCase(click: CardClick, choice: RerouteChoice): Promise<void> {
  const { manager, incident, assignment, note, outbox, context, now } = click;
  const { taxonomy } = context;
  if (assignment.postCode !== DISPATCH_POST) throw conflict(`incident ${incident.number}: only the dispatcher (${DISPATCH_POST}) re-routes (改派)`);
  const caseStep = incidentTransition(incident.status, 'dispatch');
  if (!caseStep.allowed) throw conflict(`incident ${incident.number}: ${caseStep.reason}`);
  if (choice.category !== undefined && !taxonomy.isIncidentCategory(choice.category)) throw invalid(`改类: ${choice.category} is not an incident category of the taxonomy`);
  const category = taxonomy.category(choice.category ?? incident.category);
  const recategorised = category.code !== incident.category;
  const { lead, assists } = checkChoice(
    choice.leadPost ? { leadPost: choice.leadPost, assistPosts: choice.assistPosts } : { leadPost: category.lead, assistPosts: choice.assistPosts ?? category.assist },
    (code) => taxonomy.posts.has(code),
  );
  const previous = taxonomy.category(incident.category);
  // A critical case stays critical whatever its new category (the rules' veto holds for people too).
  const urgency = recategorised && incident.urgency !== 'critical' ? category.urgency : incident.urgency;

  await moveIncident(manager, incident, {
    status: caseStep.to,
    leadPost: lead,
    ...(recategorised ? { category: category.code, urgency, level: category.level } : {}),
    acceptedAt: null,
    ...serviceDeadlines(category, urgency, now, context.policy.slaScale),
    clockRound: incident.clockRound + 1,
    clockStartedAt: now,
  }, now);

  for (const [code, role] of [[lead, 'lead'], ...assists.map((code) => [code, 'assist'])] as [string, Assignment['role']][]) {
    const existing = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: code });
    if (!existing) {
      await dispatchToPost(manager, incident, { code, role }, outbox, context, now);
      continue;
    }
    // A post that had the case before (an assist now leading, the returner chosen again) starts afresh on its card.
    await manager.update(Assignment, { id: existing.id }, { role, status: 'pending', ownerId: null, acceptedAt: null, note: null, updatedAt: now });
    await manager.update(Card, { assignmentId: existing.id }, { lastActor: null, lastActionAt: null });
  }
  // Every other card shows the new deadlines and lead; the chosen posts' old cards come back with buttons.
  await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.id !== click.assignment.id });

  const names = `${taxonomy.post(lead).name}主办` + (assists.length ? `，${assists.map((code) => taxonomy.post(code).name).join('、')}协办` : '');
  await manager.update(Assignment, { id: assignment.id }, { note: `改派至${names}${note ? `：${note}` : ''}` });
  assignment.note = `改派至${names}${note ? `：${note}` : ''}`;
  if (recategorised) await recordTimeline(manager, incident.id, now, 'recategorised', click.actor, `改类：${previous.name}（${previous.code}）→ ${category.name}（${category.code}）`);
  await recordTimeline(manager, incident.id, now, 'rerouted', click.actor, assignment.note);
  const resident = await reporterOf(manager, incident);
  await tellReporter(outbox, incident, reroutedNotice(incident, taxonomy.post(lead).name, resident, context.timeZone));
}

function checkChoice(choice: { leadPost: string; assistPosts?: string[] }, isPost: (code: string) => boolean): { lead: string; assists: string[] } {
  const lead = choice.leadPost;
  const assists = [...new Set(choice.assistPosts ?? [])];
  const unknown = [lead, ...assists].filter((code) => !isPost(code));
  if (unknown.length) throw invalid(`改派: unknown post ${unknown.join(', ')}`);
  if (lead === DISPATCH_POST || assists.includes(DISPATCH_POST)) throw invalid(`改派: choose the posts to handle the case; to take it on yourself use 接办 (accept)`);
  if (assists.includes(lead)) throw invalid(`改派: ${lead} cannot both lead and assist`);
  return { lead, assists };
}
