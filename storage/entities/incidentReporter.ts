import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, timestamp } from './columns';

/**
 * A neighbour's report of a problem a case already tracks (the same trapped lift, the same missing manhole
 * cover), joined into that case instead of opening another. The first reporter is the case's own reporterId.
 */
@Entity('incident_reporters')
@Index('ix_incident_reporters_incident', ['incidentId'])
@Index('uq_incident_reporters_message', ['messageId'], { unique: true })
export class IncidentReporter {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  incidentId: string;

  @Column(id)
  personId: string;

  @Column(id)
  messageId: string;

  /** How alike the words were (0..1), for the audit trail and for tuning the measure. */
  @Column({ type: 'float' })
  similarity: number;

  @Column(timestamp)
  createdAt: Date;
}
