// A platform that answers inside its own request takes the reply waiting for it: WeCom's bot polls the
// stream it was given with the first answer, and the receipt goes back in that poll instead of a separate
// send. Taking a reply marks it sent, conditionally, so it is delivered once: by the poll, or (when no poll
// came in time) by the outbound job after its hold (DeliveryDeferred), never by both.
import { In } from 'typeorm';
import { OutboundMessage } from '../../storage/entities';
import type { HandlerContext } from '../context';

export interface TakenReply {
  outboundId: string;
  text: string;
}

/** The earliest text still waiting that answers the inbound message, now marked sent; null if none waits. */
export async function takeWaitingReply(context: HandlerContext, inboundMessageId: string, platform: string): Promise<TakenReply | null> {
  const taken = await context.db.write(async (manager) => {
    const waiting = await manager.find(OutboundMessage, {
      where: { replyToMessageId: inboundMessageId, kind: 'text', status: In(['pending', 'retrying']) },
      order: { createdAt: 'ASC' },
      take: 1,
    });
    const [reply] = waiting;
    if (!reply) return null;
    const marked = await manager.update(
      OutboundMessage,
      { id: reply.id, status: In(['pending', 'retrying']) },
      { status: 'sent', sentAt: context.clock(), lastError: null, nextAttemptAt: null, attempts: reply.attempts + 1 },
    );
    return marked.affected === 1 ? { outboundId: reply.id, text: reply.text } : null;
  });
  if (taken) context.metrics.delivery(platform, 'sent');
  return taken;
}
