import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, longText, shortText, timestamp } from './columns';

/**
 * A message the street sends to many groups at once: a police anti-fraud warning (反诈预警) to every resident
 * and rider group, the anti-fraud tip of the week (每周反诈提示) to every resident group.
 * Written with its outbox rows in one transaction, so each group gets it exactly once; `groups` and `people`
 * say how many it was sent to.
 */
@Entity('broadcasts')
@Index('ix_broadcasts_created', ['createdAt'])
export class Broadcast {
  @PrimaryColumn(id)
  id: string;

  @Column({ type: 'varchar', length: 32 })
  kind: 'police_warning' | 'weekly_tip';

  @Column(longText)
  text: string;

  /** Who sent it: a police member's name (and post), or the admin API caller. */
  @Column(shortText)
  sentBy: string;

  /** The inbound message it came from, when posted in a chat (a repeat of that message is the same broadcast). */
  @Column({ ...id, nullable: true })
  sourceMessageId: string | null;

  @Column({ type: 'int' })
  groups: number;

  @Column({ type: 'int' })
  people: number;

  @Column(timestamp)
  createdAt: Date;
}
