import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, longText, optionalTimestamp, timestamp } from './columns';

/** `triage_card` / `triage_update`: a triage card (cardId is the triage item's id); `visit_task_*`: a 上门 task's card (cardId is the task's id); `daily_tasks_*`: a 6+1 list's card (cardId is the list's id). */
export type OutboundKind = 'text' | 'card' | 'card_update' | 'triage_card' | 'triage_update' | 'visit_task_card' | 'visit_task_update' | 'daily_tasks_card' | 'daily_tasks_update';
/**
 * pending: queued for delivery; retrying: the platform was unreachable, waiting until `nextAttemptAt`;
 * sent; failed: given up (refused by the platform, or unreachable for too long), a person must look.
 */
export type OutboundStatus = 'pending' | 'retrying' | 'sent' | 'failed';

/**
 * The outbox: every message the bot means to send, written in the same transaction as the change
 * that caused it, then delivered by the outbound queue. Pending rows are re-queued at start-up; rows
 * waiting out an outage are released by the delivery retry sweep.
 */
@Entity('outbound_messages')
@Index('ix_outbound_group_created', ['groupId', 'createdAt'])
@Index('ix_outbound_status', ['status'])
@Index('ix_outbound_status_next', ['status', 'nextAttemptAt'])
@Index('ix_outbound_status_created', ['status', 'createdAt'])
@Index('ix_outbound_reply_to', ['replyToMessageId'])
export class OutboundMessage {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  groupId: string;

  @Column({ type: 'varchar', length: 32 })
  kind: OutboundKind;

  /** Plain-text rendering; for cards a fallback for platforms or clients without cards. */
  @Column(longText)
  text: string;

  @Column({ ...id, nullable: true })
  cardId: string | null;

  @Column({ ...id, nullable: true })
  incidentId: string | null;

  /** The inbound message this answers, when it is a reply (platforms may thread or quote it). */
  @Column({ ...id, nullable: true })
  replyToMessageId: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: OutboundStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ ...longText, nullable: true })
  lastError: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(optionalTimestamp)
  sentAt: Date | null;

  /** The first failed attempt of the current run of failures; the give-up horizon counts from it. */
  @Column(optionalTimestamp)
  failingSince: Date | null;

  /** When a `retrying` row is due again. */
  @Column(optionalTimestamp)
  nextAttemptAt: Date | null;
}
