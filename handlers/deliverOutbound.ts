// The outbound job: deliver one outbox message through its group's platform adapter. Cards are rendered
// fresh from the database, so a card sent late still shows the case as it is now.
import { Assignment, Card, ChatGroup, Incident, OutboundMessage } from '../storage/entities';
import { buildCardView } from './cardView';
import type { HandlerContext, OutboundJob } from './context';
import type { ChatDelivery, ChatTarget } from './events';
import { describeFailure, noticeToCommandCentre } from './commandCentre';
import { deliveryFailedNotice } from './notices';

export type Deliveries = ReadonlyMap<string, ChatDelivery>;

export async function deliverOutbound(job: OutboundJob, context: HandlerContext, deliveries: Deliveries): Promise<void> {
  const outbound = context.dataSource.getRepository(OutboundMessage);
  const message = await outbound.findOneBy({ id: job.outboundId });
  if (!message || message.status !== 'pending') return; // delivered by an earlier run, or never stored
  await outbound.increment({ id: message.id }, 'attempts', 1);

  const group = await context.dataSource.getRepository(ChatGroup).findOneByOrFail({ id: message.groupId });
  const adapter = deliveries.get(group.platform);
  if (!adapter) throw new Error(`no platform adapter for ${group.platform} (group ${group.name})`);
  const target: ChatTarget = { platform: group.platform, chatId: group.platformChatId, name: group.name };

  if (message.kind === 'text') {
    await adapter.sendText(target, message.text);
  } else {
    const cards = context.dataSource.getRepository(Card);
    const card = await cards.findOneByOrFail({ id: message.cardId ?? '' });
    const view = buildCardView(
      await context.dataSource.getRepository(Incident).findOneByOrFail({ id: card.incidentId }),
      await context.dataSource.getRepository(Assignment).findOneByOrFail({ id: card.assignmentId }),
      card,
      context.taxonomy,
      context.timeZone,
    );
    if (message.kind === 'card') {
      const platformRef = await adapter.sendCard(target, view);
      if (platformRef) await cards.update({ id: card.id }, { platformRef });
    } else {
      await adapter.updateCard(target, view, card.platformRef);
    }
  }
  await outbound.update({ id: message.id }, { status: 'sent', sentAt: context.clock(), lastError: null });
}

/** A failed delivery: remember why; after the last attempt mark it failed and tell the command centre. */
export async function recordOutboundFailure(job: OutboundJob, error: Error, isFinal: boolean, context: HandlerContext): Promise<void> {
  const reason = describeFailure(error);
  const outbound = context.dataSource.getRepository(OutboundMessage);
  if (!isFinal) {
    await outbound.update({ id: job.outboundId }, { lastError: reason });
    return;
  }
  const now = context.clock();
  const outbox = await context.transaction(async (manager) => {
    const message = await manager.findOneBy(OutboundMessage, { id: job.outboundId });
    if (!message || message.status !== 'pending') return null;
    await manager.update(OutboundMessage, { id: message.id }, { status: 'failed', lastError: reason });
    const group = await manager.findOneByOrFail(ChatGroup, { id: message.groupId });
    return noticeToCommandCentre(manager, now, deliveryFailedNotice(group.name, message.text, reason), {
      incidentId: message.incidentId ?? undefined,
      aboutGroupId: group.id,
    });
  });
  await outbox?.flush(context);
  context.log.error({ outboundId: job.outboundId, err: error }, 'outbound message failed after all attempts');
}
