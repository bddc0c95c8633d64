// Sends a case to one post: its assignment, and its card in the post's worker group (the command centre's
// if the post has none). The one place a card is created: at dispatch, and when a returned case lands with
// the dispatcher. A red (critical) case's lead card is shown in the command centre as well, from the first
// minute: someone is being scammed right now, or trapped, and the centre watches it being accepted.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Assignment, Card, type ChatGroup, type Incident } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { buildCardView, cardAsText } from '../delivery/cardView';
import type { Outbox } from '../delivery/outbox';

/** Returns false when the post has no worker group (the card went to the command centre, or nowhere). */
export async function dispatchToPost(
  manager: EntityManager,
  incident: Incident,
  post: { code: string; role: Assignment['role']; note?: string },
  outbox: Outbox,
  context: HandlerContext,
  now: Date,
): Promise<boolean> {
  const postCode = post.code;
  const workerGroup = await context.groups.workerGroupOf(postCode, incident);
  const group = workerGroup ?? (await context.groups.commandGroup());
  const assignment = manager.create(Assignment, {
    id: randomUUID(), incidentId: incident.id, postCode, role: post.role, status: 'pending',
    ownerId: null, note: post.note ?? null, acceptedAt: null, createdAt: now, updatedAt: now,
  });
  await manager.insert(Assignment, assignment);
  if (!group) {
    context.log.error({ incident: incident.number, post: postCode }, 'no worker group and no command group: card not sent');
    return false;
  }
  await placeCard(manager, { incident, assignment, group, watching: false }, outbox, context, now);
  const commandGroup = workerGroup && incident.urgency === 'critical' && post.role === 'lead' ? await context.groups.commandGroup() : null;
  if (commandGroup) await placeCard(manager, { incident, assignment, group: commandGroup, watching: true }, outbox, context, now);
  return workerGroup !== null;
}

/** One card showing the assignment in one group; its buttons act on the assignment (for the post's members only). */
async function placeCard(
  manager: EntityManager,
  shown: { incident: Incident; assignment: Assignment; group: ChatGroup; watching: boolean },
  outbox: Outbox,
  context: HandlerContext,
  now: Date,
): Promise<void> {
  const { incident, assignment, group, watching } = shown;
  const card = manager.create(Card, {
    id: randomUUID(), incidentId: incident.id, assignmentId: assignment.id, groupId: group.id, watching,
    lastActor: null, lastActionAt: null, platformRef: null, createdAt: now, updatedAt: now,
  });
  await manager.insert(Card, card);
  const view = buildCardView(incident, assignment, card, context.taxonomy, context.timeZone);
  await outbox.add('card', group.id, cardAsText(view), { incidentId: incident.id, cardId: card.id });
}
