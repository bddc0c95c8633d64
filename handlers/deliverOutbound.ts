// The outbound job: deliver one outbox message through its group's platform adapter. Cards are rendered
// fresh from the database, so a card sent late still shows the case as it is now.
import { Assignment, Card, ChatGroup, Incident, OutboundMessage } from '../storage/entities';
import { buildCardView } from './cardView';
import type { HandlerContext, OutboundJob } from './context';
import type { ChatDelivery, ChatTarget } from './events';
import { Outbox } from './outbox';

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
  const reason = `${error.name}: ${error.message}`.slice(0, 2000);
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
    const command = await manager.findOneBy(ChatGroup, { kind: 'command' });
    // A failure to reach the command centre itself is only logged: reporting it there would fail again.
    if (!command || command.id === message.groupId) return null;
    const group = await manager.findOneByOrFail(ChatGroup, { id: message.groupId });
    const outbox = new Outbox(manager, now);
    await outbox.add('text', command.id, `【发送失败】发往「${group.name}」的消息多次发送失败（${reason}），请人工联系：\n${message.text}`, {
      incidentId: message.incidentId ?? undefined,
    });
    return outbox;
  });
  await outbox?.flush(context);
  context.log.error({ outboundId: job.outboundId, err: error }, 'outbound message failed after all attempts');
}
