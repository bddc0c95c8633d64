import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, longText, optionalTimestamp, shortText, timestamp } from './columns';

/** offered: on the riders' card, nobody has it yet; taken: one rider has it (接单); done: reported back; cancelled: withdrawn by police. */
export type VisitTaskStatus = 'offered' | 'taken' | 'done' | 'cancelled';

/** What the rider found: 劝阻成功 (talked them out of it), 未见到人 (nobody home), 需民警上门 (police must go). */
export type VisitOutcome = 'dissuaded' | 'not_home' | 'needs_police';
export const VISIT_OUTCOMES: readonly VisitOutcome[] = ['dissuaded', 'not_home', 'needs_police'];

/**
 * 上门劝阻: a household at risk of fraud (an elderly resident phoned by "the police", a son recruited into
 * click-farming) that community police ask a rider volunteer to visit by a given time. Offered as a card in
 * the riders' group; the first rider to accept takes it and reports back with an outcome.
 */
@Entity('visit_tasks')
@Index('uq_visit_tasks_number', ['number'], { unique: true })
// A message is one task however often it is delivered (the claim of the message is the first guard).
@Index('uq_visit_tasks_message', ['createdFromMessageId'], { unique: true })
@Index('ix_visit_tasks_status_due', ['status', 'dueAt'])
export class VisitTask {
  @PrimaryColumn(id)
  id: string;

  /** H-20261203-0001: the street's local date and that day's running count. */
  @Column({ type: 'varchar', length: 32 })
  number: string;

  @Column(shortText)
  address: string;

  @Column(longText)
  reason: string;

  /** By when the household should have been visited. */
  @Column(timestamp)
  dueAt: Date;

  @Column({ type: 'varchar', length: 16 })
  status: VisitTaskStatus;

  /** Who asked for it: a police member's name (and post), or the admin API caller. */
  @Column(shortText)
  createdBy: string;

  /** The 上门 message it came from, when posted in the police group. */
  @Column({ ...id, nullable: true })
  createdFromMessageId: string | null;

  /** The rider (person id) who took it. */
  @Column({ ...id, nullable: true })
  takenById: string | null;

  @Column(optionalTimestamp)
  takenAt: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome: VisitOutcome | null;

  /** The rider's words with the outcome, optional. */
  @Column({ ...longText, nullable: true })
  note: string | null;

  @Column(optionalTimestamp)
  doneAt: Date | null;

  /** The riders' group the card is in. */
  @Column(id)
  cardGroupId: string;

  /** The platform's handle for updating the card. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  platformRef: string | null;

  /** The overdue reminder to the riders' group, once. */
  @Column(optionalTimestamp)
  remindedAt: Date | null;

  /** The overdue notice to the police group, once. */
  @Column(optionalTimestamp)
  escalatedAt: Date | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}
