// The relay: messages still `received`, outbox rows still `pending` and attachments still `pending` after a
// while have lost their job (an enqueue that failed, a Redis blip, a crashed worker). Queue them again, so
// nothing waits for a restart. A message whose job is merely slow keeps that job (same id), so it is not run
// twice; a job that is dead but still holds the id (failed, or half-written when Redis went down) is replaced.
import { LessThanOrEqual } from 'typeorm';
import { Attachment, InboundMessage, OutboundMessage } from '../storage/entities';
import type { HandlerContext } from './context';

export async function relayUnfinishedWork(
  context: HandlerContext,
  olderThanMs: number,
  batch = 1000,
): Promise<{ inbound: number; outbound: number; attachments: number }> {
  const before = new Date(context.clock().getTime() - olderThanMs);
  const inbound = await context.db.read.find(InboundMessage, {
    where: { status: 'received', receivedAt: LessThanOrEqual(before) },
    select: { id: true },
    order: { receivedAt: 'ASC' },
    take: batch,
  });
  const outbound = await context.db.read.find(OutboundMessage, {
    where: { status: 'pending', createdAt: LessThanOrEqual(before) },
    select: { id: true },
    order: { createdAt: 'ASC' },
    take: batch,
  });
  // One fetchAttachments job per message, however many of its attachments are still pending.
  const pendingAttachments = await context.db.read.find(Attachment, {
    where: { status: 'pending', createdAt: LessThanOrEqual(before) },
    select: { messageId: true },
    order: { createdAt: 'ASC' },
    take: batch,
  });
  const withAttachments = [...new Set(pendingAttachments.map((attachment) => attachment.messageId))];
  for (const { id } of inbound) await context.jobs.requeue('inbound', { messageId: id });
  for (const { id } of outbound) await context.jobs.requeue('outbound', { outboundId: id });
  for (const messageId of withAttachments) await context.jobs.requeue('fetchAttachments', { messageId });
  if (inbound.length || outbound.length || withAttachments.length) {
    context.log.info({ inbound: inbound.length, outbound: outbound.length, attachments: withAttachments.length }, 'relay queued unfinished work again');
  }
  return { inbound: inbound.length, outbound: outbound.length, attachments: withAttachments.length };
}
