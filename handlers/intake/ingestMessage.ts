// Step one for every inbound message: store it, then queue it. Storing comes before anything that can
// fail (classification, dispatch, delivery); a repeat of the same platform message id is acknowledged and
// dropped. Concurrent messages are stored together, one commit for many (inbox.ts). Attachments are stored
// with their message, named only, and downloaded by a job of their own (fetchAttachments.ts).
import type { HandlerContext } from '../context';
import type { InboundMessageEvent } from '../events';
import { invalid } from '../errors';
import { wellFormed } from '../wellFormedText';
import { keptAttachments } from './attachments';
import { keptLocation, locationAsText } from './messageLocation';
import type { StoredMessage } from './inbox';

export const MAX_MESSAGE_LENGTH = 4000;
/** The reply-handle column's size; a longer handle is not kept (the reply then goes the platform's other way). */
const MAX_REPLY_REF_LENGTH = 1024;

export type IngestResult = StoredMessage;

export async function ingestMessage(received: InboundMessageEvent, context: HandlerContext): Promise<IngestResult> {
  const event = {
    ...received,
    chatName: received.chatName && wellFormed(received.chatName),
    sender: { userId: received.sender.userId, name: wellFormed(received.sender.name) },
    replyRef: received.replyRef && received.replyRef.length <= MAX_REPLY_REF_LENGTH ? received.replyRef : undefined,
    attachments: keptAttachments(received.platformMessageId, received.attachments, context.log),
    location: keptLocation(received.platformMessageId, received.location, context.log),
  };
  if (received.replyRef && !event.replyRef) context.log.warn({ platformMessageId: received.platformMessageId, length: received.replyRef.length }, 'reply handle too long; not kept');
  // A message that is only a location (WeCom's location message has no words) keeps its place name as its
  // text: nothing the sender sent is lost (not even a location refused above), and the classifier has words to read.
  const text = wellFormed(event.text).trim() || wellFormed(locationAsText(event.location ?? received.location));
  if (!text) throw invalid('text is empty');
  if (text.length > MAX_MESSAGE_LENGTH) throw invalid(`text is ${text.length} characters; at most ${MAX_MESSAGE_LENGTH} are accepted`);

  const stored = await context.inbox({ ...event, text, receivedAt: context.clock() });
  context.metrics.inbound(event.platform, stored.duplicate ? 'duplicate' : 'received');

  if (stored.duplicate) {
    context.log.info({ messageId: stored.messageId, platformMessageId: event.platformMessageId }, 'duplicate delivery dropped');
    return stored;
  }
  let isQueueAnswering = true;
  try {
    await context.jobs.enqueue('inbound', { messageId: stored.messageId });
  } catch (error) {
    // The message is safe in the database; the relay queues every message still 'received'.
    context.log.error({ err: error, messageId: stored.messageId }, 'could not queue inbound message; it will be picked up again');
    isQueueAnswering = false;
  }
  // After the inbound job: the report is acted on whatever becomes of its photos. Not tried when the queue
  // just failed: the webhook's answer would wait out a second enqueue bound, and the relay queues both anyway.
  if (event.attachments && isQueueAnswering) {
    try {
      await context.jobs.enqueue('fetchAttachments', { messageId: stored.messageId });
    } catch (error) {
      // The attachments are stored pending; the relay queues every message with pending attachments.
      context.log.error({ err: error, messageId: stored.messageId }, 'could not queue the download of attachments; they will be picked up again');
    }
  }
  return stored;
}
