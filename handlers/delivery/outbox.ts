// The outbox: messages are written in the same transaction as the change that causes them and
// queued for delivery only after it commits, so a rollback sends nothing and a crash loses nothing.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { OutboundMessage, type OutboundKind } from '../../storage/entities';
import type { HandlerContext } from '../context';

export class Outbox {
  private readonly ids: string[] = [];

  constructor(
    private readonly manager: EntityManager,
    private readonly now: Date,
  ) {}

  async add(
    kind: OutboundKind,
    groupId: string,
    text: string,
    links: { incidentId?: string; cardId?: string; replyToMessageId?: string } = {},
  ): Promise<void> {
    const id = randomUUID();
    // updateEntity(false): typeorm would otherwise read each row back for its defaulted columns.
    await this.manager.createQueryBuilder().insert().into(OutboundMessage).updateEntity(false).values({
      id,
      groupId,
      kind,
      text,
      cardId: links.cardId ?? null,
      incidentId: links.incidentId ?? null,
      replyToMessageId: links.replyToMessageId ?? null,
      status: 'pending',
      attempts: 0,
      createdAt: this.now,
      sentAt: null,
      failingSince: null,
      nextAttemptAt: null,
    }).execute();
    this.ids.push(id);
  }

  /** After commit: hand every written message to the outbound queue. */
  async flush(context: Pick<HandlerContext, 'jobs' | 'log'>): Promise<void> {
    for (const outboundId of this.ids) {
      try {
        await context.jobs.enqueue('outbound', { outboundId });
      } catch (error) {
        // Still pending in the outbox: the relay queues it again.
        context.log.error({ err: error, outboundId }, 'could not queue outbound message; it stays pending in the outbox');
      }
    }
  }
}
