// Sends a case to one post: its assignment, and its card in the post's worker group (the command centre's
// if the post has none). The one place a card is created: at dispatch, and when a returned case lands with
// the dispatcher.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Assignment, Card, type Incident } from '../../storage/entities';
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
  const card = manager.create(Card, {
    id: randomUUID(), incidentId: incident.id, assignmentId: assignment.id, groupId: group.id,
    lastActor: null, lastActionAt: null, platformRef: null, createdAt: now, updatedAt: now,
  });
  await manager.insert(Card, card);
  const view = buildCardView(incident, assignment, card, context.taxonomy, context.timeZone);
  await outbox.add('card', group.id, cardAsText(view), { incidentId: incident.id, cardId: card.id });
  return workerGroup !== null;
}
