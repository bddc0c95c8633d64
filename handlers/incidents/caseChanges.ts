// The two writes every change to a case shares: the incident row under its optimistic lock, and the cards
// that show it, refreshed (as of now) and queued for an update in place on their platform.
import type { EntityManager } from 'typeorm';
import { Assignment, Card, Incident, Person } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { buildCardView, cardAsText } from '../delivery/cardView';
import type { Addressee } from '../delivery/notices';
import type { Outbox } from '../delivery/outbox';
import { conflict } from '../errors';
import { SCAM_CONTENT_CATEGORY } from '../../seeds/taxonomy';
import { isDeviceAlarm } from '../alarms/deviceAlarm';

/** Writes the changes only if nobody else moved the case meanwhile (its version is still the one read). */
export async function moveIncident(manager: EntityManager, incident: Incident, changes: Partial<Incident>, now: Date): Promise<void> {
  const version = incident.version;
  const result = await manager
    .createQueryBuilder()
    .update(Incident)
    .set({ ...changes, updatedAt: now, version: version + 1 })
    .where('id = :id AND version = :version', { id: incident.id, version })
    .execute();
  if (result.affected !== 1) throw conflict(`incident ${incident.number} was changed by someone else just now; reload and try again`);
  Object.assign(incident, changes, { updatedAt: now, version: version + 1 });
}

/** Updates the incident's cards (all but `except`) to show it as it is now. */
export async function refreshCards(
  manager: EntityManager,
  incident: Incident,
  outbox: Outbox,
  context: Pick<HandlerContext, 'taxonomy' | 'timeZone'>,
  now: Date,
  options: { except?: string; only?: (assignment: Assignment) => boolean } = {},
): Promise<void> {
  const cards = await manager.findBy(Card, { incidentId: incident.id });
  for (const card of cards) {
    if (card.id === options.except) continue;
    const assignment = await manager.findOneByOrFail(Assignment, { id: card.assignmentId });
    if (options.only && !options.only(assignment)) continue;
    card.updatedAt = now;
    await manager.update(Card, { id: card.id }, { updatedAt: now });
    const view = buildCardView(incident, assignment, card, context.taxonomy, context.timeZone);
    await outbox.add('card_update', card.groupId, cardAsText(view), { incidentId: incident.id, cardId: card.id });
  }
}

/**
 * A notice about the case to the resident who reported it, in their group. A scam alert has no such
 * resident: its "reporter" posted the bait, and police work on it is not announced to them. Nor has a
 * device alarm (智能预警): its "group" is the alarm source, which reads nothing.
 */
export async function tellReporter(outbox: Outbox, incident: Incident, notice: string, replyToMessageId?: string): Promise<boolean> {
  if (incident.category === SCAM_CONTENT_CATEGORY || isDeviceAlarm(incident)) return false;
  await outbox.add('text', incident.groupId, notice, { incidentId: incident.id, ...(replyToMessageId ? { replyToMessageId } : {}) });
  return true;
}

/** The resident a notice about this case answers. */
export async function reporterOf(manager: EntityManager, incident: Incident): Promise<Addressee> {
  const reporter = await manager.findOneBy(Person, { id: incident.reporterId });
  return { name: reporter?.name ?? '居民', text: incident.text };
}
