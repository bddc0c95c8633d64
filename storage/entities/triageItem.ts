import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, longText, optionalTimestamp, timestamp } from './columns';

/** open: on the grid worker's card; filed: opened as an incident (立案); ignored: recorded, nothing to do (忽略). */
export type TriageStatus = 'open' | 'filed' | 'ignored';

/**
 * A resident's message the classifiers could not decide (not confidently chat, not confidently an
 * incident), put before the grid worker of its group as a triage card, so that no report goes unanswered.
 */
@Entity('triage_items')
@Index('uq_triage_message', ['messageId'], { unique: true })
@Index('ix_triage_status_created', ['status', 'createdAt'])
export class TriageItem {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  messageId: string;

  /** The worker group the card is in. */
  @Column(id)
  cardGroupId: string;

  /** The classifiers' best guesses, JSON `[{category, confidence}]`, best first. */
  @Column(longText)
  guesses: string;

  @Column({ type: 'varchar', length: 16 })
  status: TriageStatus;

  @Column({ ...code, nullable: true })
  filedCategory: string | null;

  @Column({ ...id, nullable: true })
  incidentId: string | null;

  @Column({ ...id, nullable: true })
  decidedById: string | null;

  @Column(optionalTimestamp)
  decidedAt: Date | null;

  /** The platform's handle for updating the card. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  platformRef: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}
