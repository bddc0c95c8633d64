import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, optionalTimestamp, shortText, timestamp } from './columns';
import type { AssignmentStatus } from './assignment';

/** A dispatch card shown in one post's worker group; its buttons act on that post's assignment. */
@Entity('cards')
@Index('ix_cards_incident', ['incidentId'])
export class Card {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  incidentId: string;

  @Column(id)
  assignmentId: string;

  @Column(id)
  groupId: string;

  /** Mirrors the assignment at the last render, so a platform can be told when it changes. */
  @Column({ type: 'varchar', length: 16 })
  state: AssignmentStatus;

  @Column({ ...shortText, nullable: true })
  lastActor: string | null;

  @Column(optionalTimestamp)
  lastActionAt: Date | null;

  /** The platform's handle for the sent card (task_id, outTrackId …), to update it later. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  platformRef: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}
