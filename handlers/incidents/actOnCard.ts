// A worker clicks 接单 / 退回 / 办结 on a dispatch card. Only members of the card's post may act; a repeated
// click changes nothing; every change is checked against the state machines and written to the timeline.
import type { EntityManager } from 'typeorm';
import { Assignment, Card, ChatGroup, Incident, Person, PostMember } from '../../storage/entities';
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
import { recordTimeline, type Actor, type TimelineType } from './timeline';

export const MAX_NOTE_LENGTH = 1000;

export interface CardActionOutcome {
  card: CardView;
  incident: Incident;
  /** false when the click repeated what was already done. */
  changed: boolean;
}

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
    if (event.action !== 'accept' && !note) {
      throw invalid(event.action === 'return' ? 'a return (退回) needs a reason in "note"' : 'resolving (办结) needs a note saying what was done');
    }
    if (isFinished(incident.status)) throw conflict(`incident ${incident.number} is already ${incident.status}`);
    const step = assignmentTransition(assignment.status, event.action);
    if (!step.allowed) throw conflict(`incident ${incident.number}: ${step.reason}`);

    const isLead = assignment.postCode === incident.leadPost;
    const before = { status: incident.status, version: incident.version };
    if (isLead) {
      const caseStep = incidentTransition(incident.status, event.action);
      if (!caseStep.allowed) throw conflict(`incident ${incident.number}: ${caseStep.reason}`);
      incident.status = caseStep.to;
    }

    const actor: Actor = { name: `${worker.name}（${post.name}）`, userId: worker.platformUserId };
    const changes: Partial<Assignment> = { status: step.to, updatedAt: now, ...(note ? { note } : {}) };
    if (event.action === 'accept') Object.assign(changes, { ownerId: worker.id, acceptedAt: now });
    // Conditional on the state it was read in: the statement itself refuses a change nobody decided on.
    const moved = await manager.update(Assignment, { id: assignment.id, status: assignment.status }, changes);
    if (moved.affected !== 1) throw conflict(`incident ${incident.number}: the ${post.name} card was changed by someone else just now; reload and try again`);
    Object.assign(assignment, changes);
    Object.assign(card, { lastActor: worker.name, lastActionAt: now, updatedAt: now });
    await manager.save(card);
    await recordTimeline(manager, incident.id, now, timelineType(event.action, isLead), actor, note);

    const outbox = new Outbox(manager, now);
    await outbox.add('card_update', card.groupId, cardAsText(view()), { incidentId: incident.id, cardId: card.id });
    if (isLead) {
      await moveIncident(manager, incident, before, event.action, now);
      await followLeadAction(manager, { incident, action: event.action, worker, postName: post.name, note, outbox, context, now });
    }
    return { outbox, changed: true, card: view(), incident };
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

/** Writes the case's new status only if nobody else moved it meanwhile (optimistic lock on version). */
async function moveIncident(
  manager: EntityManager,
  incident: Incident,
  before: { status: Incident['status']; version: number },
  action: CardAction,
  now: Date,
): Promise<void> {
  const changes: Partial<Incident> = { status: incident.status, updatedAt: now, version: before.version + 1 };
  if (action === 'accept') changes.acceptedAt = incident.acceptedAt = now;
  if (action === 'resolve') changes.resolvedAt = incident.resolvedAt = now;
  const result = await manager
    .createQueryBuilder()
    .update(Incident)
    .set(changes)
    .where('id = :id AND version = :version', { id: incident.id, version: before.version })
    .execute();
  if (result.affected !== 1) throw conflict(`incident ${incident.number} was changed by someone else just now; reload and try again`);
  incident.version = before.version + 1;
}

/** What the lead post's click means beyond its own card: tell the resident, or hand a returned case to dispatch. */
async function followLeadAction(
  manager: EntityManager,
  step: { incident: Incident; action: CardAction; worker: Person; postName: string; note: string | null; outbox: Outbox; context: HandlerContext; now: Date },
): Promise<void> {
  const { incident, action, worker, postName, note, outbox, context, now } = step;
  const residentGroup = await manager.findOneByOrFail(ChatGroup, { id: incident.groupId });
  const bot = { name: 'bot', userId: null };
  if (action === 'accept') {
    await outbox.add('text', residentGroup.id, acceptedNotice(incident, worker.name, postName), { incidentId: incident.id });
    return;
  }
  if (action === 'resolve') {
    const notice = resolvedNotice(incident, worker.name, postName, note ?? '');
    await outbox.add('text', residentGroup.id, notice, { incidentId: incident.id });
    await recordTimeline(manager, incident.id, now, 'resident_notified', bot, notice);
    // Other posts' cards lose their buttons: the case is done.
    for (const other of await manager.findBy(Card, { incidentId: incident.id })) {
      const otherAssignment = await manager.findOneByOrFail(Assignment, { id: other.assignmentId });
      if (otherAssignment.postCode === incident.leadPost) continue;
      const view = buildCardView(incident, otherAssignment, other, context.taxonomy, context.timeZone);
      await outbox.add('card_update', other.groupId, cardAsText(view), { incidentId: incident.id, cardId: other.id });
    }
    return;
  }
  // 退回: the case goes to the dispatcher, who takes it on or re-routes it.
  const existing = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: DISPATCH_POST });
  await manager.update(Incident, { id: incident.id }, { leadPost: DISPATCH_POST });
  incident.leadPost = DISPATCH_POST;
  if (!existing) await dispatchToPost(manager, incident, { code: DISPATCH_POST, role: 'lead' }, outbox, context, now);
  const dispatchGroup = await context.groups.workerGroupOf(DISPATCH_POST);
  if (dispatchGroup) {
    await outbox.add('text', dispatchGroup.id, returnedToDispatchText(incident, postName, worker.name, note ?? ''), { incidentId: incident.id });
  }
}

function timelineType(action: CardAction, isLead: boolean): TimelineType {
  const lead: Record<CardAction, TimelineType> = { accept: 'accepted', return: 'returned', resolve: 'resolved' };
  const assist: Record<CardAction, TimelineType> = { accept: 'assist_accepted', return: 'assist_returned', resolve: 'assist_resolved' };
  return isLead ? lead[action] : assist[action];
}
