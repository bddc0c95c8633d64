import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, timestamp } from './columns';

/**
 * One message found to be scam bait (涉诈信息): who posted it where, and the alert (a scam_content incident) it
 * is counted under. The same sender posting the same bait again the same day joins that alert; the counts
 * (this sender's bait, the groups this text reached) are shown on the police card.
 */
@Entity('scam_sightings')
@Index('uq_scam_sightings_message', ['messageId'], { unique: true })
@Index('ix_scam_sightings_sender', ['senderId'])
@Index('ix_scam_sightings_fingerprint_day', ['fingerprint', 'day'])
export class ScamSighting {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  messageId: string;

  @Column(id)
  senderId: string;

  @Column(id)
  groupId: string;

  /** SHA-256 (hex) of the bait's fingerprint: the same bait with other spacing, emoji or tracking links is equal. */
  @Column({ type: 'varchar', length: 64 })
  fingerprint: string;

  /** The scam type's code from seeds/scam-types.json, or null when the classifier alone called it bait. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  scamType: string | null;

  /** The street's local day, "2026-12-03": one alert per sender and text per day. */
  @Column({ type: 'varchar', length: 10 })
  day: string;

  @Column(id)
  incidentId: string;

  @Column(timestamp)
  createdAt: Date;
}
