// Where failures land: the street's command-centre group, so a person sees what the bot could not do.
import type { EntityManager } from 'typeorm';
import { ChatGroup } from '../../storage/entities';
import { Outbox } from './outbox';

/** The error as one line for a person and the audit columns. */
export function describeFailure(error: Error): string {
  return `${error.name}: ${error.message}`.slice(0, 2000);
}

/**
 * Writes a notice for the command centre into a new outbox (flush it after commit). Returns null when the
 * street has no command group, or when the failure being reported is the command group's own.
 */
export async function noticeToCommandCentre(
  manager: EntityManager,
  now: Date,
  text: string,
  links: { incidentId?: string; replyToMessageId?: string; aboutGroupId?: string } = {},
): Promise<Outbox | null> {
  const command = await manager.findOneBy(ChatGroup, { kind: 'command' });
  // A failure to reach the command centre itself is only logged: reporting it there would fail again.
  if (!command || command.id === links.aboutGroupId) return null;
  const outbox = new Outbox(manager, now);
  await outbox.add('text', command.id, text, { incidentId: links.incidentId, replyToMessageId: links.replyToMessageId });
  return outbox;
}
