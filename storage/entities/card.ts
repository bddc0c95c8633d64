import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, optionalTimestamp, shortText, timestamp } from './columns';

/** A dispatch card shown in one post's worker group; its buttons act on that post's assignment, whose status it shows. */
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

  /** The command centre's copy of a red case's lead card, shown for watching; the post's members have their own. */
  @Column({ type: 'boolean', default: false })
  watching: boolean;

  @Column({ ...shortText, nullable: true })
  lastActor: string | null;

  @Column(optionalTimestamp)
  lastActionAt: Date | null;

  /**
   * The platform's handle for updating the card (a task id, an outTrackId, WeCom's single-use ResponseCode):
   * set when the card is sent, replaced by each click's fresh one, cleared once spent.
   */
  @Column({ type: 'varchar', length: 512, nullable: true })
  platformRef: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}
