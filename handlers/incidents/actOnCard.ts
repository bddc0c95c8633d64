// A worker clicks a button on a dispatch card: 接单 (接办 on the dispatcher's), 退回, 办结, 改派, 上报. Only
// members of the card's post may act; a repeated click changes nothing; every change is checked against the
// state machines and written to the timeline, and the card is updated in place.
import type { EntityManager } from 'typeorm';
import { Assignment, Card, Incident, Person, PostMember } from '../../storage/entities';
import { DISPATCH_POST } from '../../seeds/taxonomy';
import { buildCardView, cardAsText } from '../delivery/cardView';
import type { HandlerContext } from '../context';
import { conflict, forbidden, invalid, notFound } from '../errors';
import type { CardActionEvent, CardView } from '../events';
import {
  assignmentTransition, incidentTransition, isFinished, isRepeatedAction, type CardAction,
} from './incidentStateMachine';
import { acceptedNotice, resolvedNotice, returnedToDispatchText } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { dispatchToPost } from './dispatchToPost';
import { findForUpdateOrFail } from '../../storage/queries/rowLocks';
import { wellFormed } from '../wellFormedText';
import { BOT, recordTimeline, type Actor, type TimelineType } from './timeline';
import { moveIncident, refreshCards, reporterOf, tellReporter } from './caseChanges';
import { rerouteCase } from './rerouteCase';
import { escalateLevel } from './escalateLevel';

export const MAX_NOTE_LENGTH = 1000;

export interface CardActionOutcome {
  card: CardView;
  incident: Incident;
  /** false when the click repeated what was already done. */
  changed: boolean;
}

/** Everything one click acts with, inside its transaction. */
export interface CardClick {
  manager: EntityManager;
  incident: Incident;
  assignment: Assignment;
  card: Card;
  worker: Person;
  postName: string;
  actor: Actor;
  note: string | null;
  outbox: Outbox;
  context: HandlerContext;
  now: Date;
}

const NOTE_REQUIRED: Partial<Record<CardAction, string>> = {
  return: 'a return (退回) needs a reason in "note"',
  resolve: 'resolving (办结) needs a note saying what was done',
  escalate: 'escalating (上报) needs a note saying why it cannot be closed at this level',
};

export async function actOnCard(event: CardActionEvent, context: HandlerContext): Promise<CardActionOutcome> {
  const note = (event.note && wellFormed(event.note).trim()) || null;
  if (note && note.length > MAX_NOTE_LENGTH) throw invalid(`note is ${note.length} characters; at most ${MAX_NOTE_LENGTH}`);
  const now = context.clock();

  const result = await context.db.write(async (manager) => {
    const card = await manager.findOneBy(Card, { id: event.cardId });
    if (!card) throw notFound(`card ${event.cardId} does not exist`);
    // Locked in this order (assignment, then incident) by every card action: two clicks on one card wait
    // for each other, and the second sees the first's result (a repeat, or a refusal), never a stale state.
    const assignment = await findForUpdateOrFail(manager, Assignment, { id: card.assignmentId });
    const incident = await findForUpdateOrFail(manager, Incident, { id: card.incidentId });
    const post = context.taxonomy.post(assignment.postCode);
    const worker = await postMemberActing(manager, event, assignment.postCode, post.name);
    const view = () => buildCardView(incident, assignment, card, context.taxonomy, context.timeZone);

    if (isRepeatedAction(assignment.status, event.action)) return { outbox: null, changed: false, card: view(), incident };
    const missingNote = NOTE_REQUIRED[event.action];
    if (missingNote && !note) throw invalid(missingNote);
    if (isFinished(incident.status)) throw conflict(`incident ${incident.number} is already ${incident.status}`);
    const step = assignmentTransition(assignment.status, event.action);
    if (!step.allowed) throw conflict(`incident ${incident.number}: ${step.reason}`);

    const isLead = assignment.postCode === incident.leadPost;
    const click: CardClick = {
      manager, incident, assignment, card, worker, postName: post.name, note, now, context,
      actor: { name: `${worker.name}（${post.name}）`, userId: worker.platformUserId },
      outbox: new Outbox(manager, now),
    };

    // Conditional on the state it was read in: the statement itself refuses a change nobody decided on.
    const changes: Partial<Assignment> = { status: step.to, updatedAt: now, ...(note && event.action !== 'escalate' ? { note } : {}) };
    if (event.action === 'accept') Object.assign(changes, { ownerId: worker.id, acceptedAt: now });
    const moved = await manager.update(Assignment, { id: assignment.id, status: assignment.status }, changes);
    if (moved.affected !== 1) throw conflict(`incident ${incident.number}: the ${post.name} card was changed by someone else just now; reload and try again`);
    Object.assign(assignment, changes);
    // A click's own handle (WeCom's ResponseCode) is the one to update the card with now.
    Object.assign(card, { lastActor: worker.name, lastActionAt: now, updatedAt: now, ...(event.replyRef ? { platformRef: event.replyRef } : {}) });
    await manager.save(card);

    if (event.action === 'escalate') {
      if (!isLead) throw conflict(`incident ${incident.number}: only the lead post (主办) escalates (上报)`);
      await escalateLevel(click);
    } else if (event.action === 'reroute') {
      if (!event.reroute) throw invalid('改派 (reroute) needs "reroute": { leadPost, assistPosts }');
      await rerouteCase(click, event.reroute);
    } else {
      await recordTimeline(manager, incident.id, now, timelineType(event.action, isLead), click.actor, note);
      if (isLead) await followLeadAction(click, event.action);
    }
    await click.outbox.add('card_update', card.groupId, cardAsText(view()), { incidentId: incident.id, cardId: card.id });
    // The same assignment shown elsewhere (a red case's lead card in the command centre) shows the click too;
    // the paths above refresh only other assignments' cards.
    await refreshCards(manager, incident, click.outbox, context, now, { except: card.id, only: (a) => a.id === assignment.id });
    return { outbox: click.outbox, changed: true, card: view(), incident };
  });

  await result.outbox?.flush(context);
  if (result.changed) {
    context.log.info({ incident: result.incident.number, card: event.cardId, action: event.action, by: event.userId }, 'card action applied');
  }
  return { card: result.card, incident: result.incident, changed: result.changed };
}

/** The clicking user, who must hold the card's post; anyone else is refused and nothing changes. */
async function postMemberActing(manager: EntityManager, event: CardActionEvent, postCode: string, postName: string): Promise<Person> {
  const person = await manager.findOneBy(Person, { platform: event.platform, platformUserId: event.userId });
  const member = person && (await manager.findOneBy(PostMember, { postCode, personId: person.id }));
  if (!person || !member) throw forbidden(`${event.userId} is not a member of ${postName} (${postCode}) and cannot act on its card`);
  return person;
}

/** What the lead post's 接单 / 退回 / 办结 means for the case: tell the resident, or hand it to dispatch. */
async function followLeadAction(click: CardClick, action: 'accept' | 'return' | 'resolve'): Promise<void> {
  const { manager, incident, worker, postName, note, outbox, context, now } = click;
  const caseStep = incidentTransition(incident.status, action);
  if (!caseStep.allowed) throw conflict(`incident ${incident.number}: ${caseStep.reason}`);
  const resident = await reporterOf(manager, incident);

  if (action === 'accept') {
    await moveIncident(manager, incident, { status: caseStep.to, acceptedAt: now }, now);
    await tellReporter(outbox, incident, acceptedNotice(incident, worker.name, postName, resident));
    return;
  }
  if (action === 'resolve') {
    await moveIncident(manager, incident, { status: caseStep.to, resolvedAt: now }, now);
    const notice = resolvedNotice(incident, worker.name, postName, note ?? '', resident, context.policy.autoCloseMs * context.policy.slaScale);
    if (await tellReporter(outbox, incident, notice)) await recordTimeline(manager, incident.id, now, 'resident_notified', BOT, notice);
    await recordIdleAssists(manager, incident, context, now);
    // Assisting posts' cards lose their buttons and read 主办已办结.
    await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.id !== click.assignment.id });
    return;
  }
  // 退回: the case goes to the dispatcher, who takes it on (接办) or re-routes it (改派), the reason on its card.
  await moveIncident(manager, incident, { status: caseStep.to, leadPost: DISPATCH_POST }, now);
  const reason = `${postName} ${worker.name}：${note ?? ''}`;
  const existing = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: DISPATCH_POST });
  if (existing) {
    // Returned before: the dispatcher's card comes back to life with the new reason.
    await manager.update(Assignment, { id: existing.id }, { role: 'lead', status: 'pending', ownerId: null, acceptedAt: null, note: reason, updatedAt: now });
    await manager.update(Card, { assignmentId: existing.id }, { lastActor: null, lastActionAt: null });
    await refreshCards(manager, incident, outbox, context, now, { only: (a) => a.id === existing.id });
  } else {
    await dispatchToPost(manager, incident, { code: DISPATCH_POST, role: 'lead', note: reason }, outbox, context, now);
  }
  const dispatchGroup = await context.groups.workerGroupOf(DISPATCH_POST, incident);
  if (dispatchGroup) {
    await outbox.add('text', dispatchGroup.id, returnedToDispatchText(incident, postName, worker.name, note ?? ''), { incidentId: incident.id });
  }
}

/** The audit trail says which assisting posts never acted on their cards before the lead resolved. */
async function recordIdleAssists(manager: EntityManager, incident: Incident, context: HandlerContext, now: Date): Promise<void> {
  const idle = (await manager.findBy(Assignment, { incidentId: incident.id, role: 'assist', status: 'pending' }))
    .map((assignment) => context.taxonomy.post(assignment.postCode).name);
  if (idle.length) await recordTimeline(manager, incident.id, now, 'assists_idle', BOT, `主办办结时未接单的协办岗位：${idle.join('、')}`);
}

function timelineType(action: 'accept' | 'return' | 'resolve', isLead: boolean): TimelineType {
  const lead = { accept: 'accepted', return: 'returned', resolve: 'resolved' } as const;
  const assist = { accept: 'assist_accepted', return: 'assist_returned', resolve: 'assist_resolved' } as const;
  return isLead ? lead[action] : assist[action];
}
