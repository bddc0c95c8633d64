// Step one for every inbound message: store it, then queue it. Storing comes before anything that can
// fail (classification, dispatch, delivery); a repeat of the same platform message id is acknowledged and dropped.
import { randomUUID } from 'node:crypto';
import { InboundMessage } from '../../storage/entities';
import type { HandlerContext } from '../context';
import type { InboundMessageEvent } from '../events';
import { invalid } from '../errors';
import { wellFormed } from '../wellFormedText';
import { ensureGroupMember, findOrCreateGroup, findOrCreatePerson } from './people';

export const MAX_MESSAGE_LENGTH = 4000;

export interface IngestResult {
  messageId: string;
  duplicate: boolean;
}

export async function ingestMessage(received: InboundMessageEvent, context: HandlerContext): Promise<IngestResult> {
  const event = {
    ...received,
    chatName: received.chatName && wellFormed(received.chatName),
    sender: { userId: received.sender.userId, name: wellFormed(received.sender.name) },
  };
  const text = wellFormed(event.text).trim();
  if (!text) throw invalid('text is empty');
  if (text.length > MAX_MESSAGE_LENGTH) throw invalid(`text is ${text.length} characters; at most ${MAX_MESSAGE_LENGTH} are accepted`);

  const stored = await storeOnce(event, text, context);
  context.metrics.inbound(event.platform, stored.duplicate ? 'duplicate' : 'received');

  if (stored.duplicate) {
    context.log.info({ messageId: stored.messageId, platformMessageId: event.platformMessageId }, 'duplicate delivery dropped');
    return stored;
  }
  try {
    await context.jobs.enqueue('inbound', { messageId: stored.messageId });
  } catch (error) {
    // The message is safe in the database; the relay queues every message still 'received'.
    context.log.error({ err: error, messageId: stored.messageId }, 'could not queue inbound message; it will be picked up again');
  }
  return stored;
}

/** Inserts the message unless the platform delivered it before. Two deliveries racing on separate
 * connections (MySQL) meet at the unique index; the loser reads the winner's row. */
async function storeOnce(event: InboundMessageEvent, text: string, context: HandlerContext): Promise<IngestResult> {
  const key = { platform: event.platform, platformMessageId: event.platformMessageId };
  try {
    return await context.db.write(async (manager) => {
      const duplicate = await manager.findOneBy(InboundMessage, key);
      if (duplicate) return { messageId: duplicate.id, duplicate: true };
      const group = await findOrCreateGroup(manager, event.platform, event.chatId, event.chatName);
      const sender = await findOrCreatePerson(manager, event.platform, event.sender.userId, event.sender.name);
      await ensureGroupMember(manager, group.id, sender.id);
      const id = randomUUID();
      await manager.insert(InboundMessage, {
        id,
        platform: event.platform,
        platformMessageId: event.platformMessageId,
        groupId: group.id,
        senderId: sender.id,
        text,
        receivedAt: context.clock(),
        status: 'received',
        outcome: null,
        incidentId: null,
        attempts: 0,
        lastError: null,
        handledAt: null,
        classifiedBy: null,
      });
      return { messageId: id, duplicate: false };
    });
  } catch (error) {
    const winner = await context.db.read.findOneBy(InboundMessage, key);
    if (winner) return { messageId: winner.id, duplicate: true };
    throw error;
  }
}
