import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, longText, optionalTimestamp, shortText, timestamp } from './columns';
import type { IncidentStatus } from '../../handlers/incidents/incidentStateMachine';

/** A resident's report turned into a case with an owner, deadlines and a timeline. */
@Entity('incidents')
@Index('uq_incidents_number', ['number'], { unique: true })
@Index('ix_incidents_status', ['status'])
@Index('ix_incidents_category', ['category'])
@Index('ix_incidents_created', ['createdAt'])
@Index('ix_incidents_status_accept_by', ['status', 'acceptBy'])
@Index('ix_incidents_status_resolve_by', ['status', 'resolveBy'])
@Index('ix_incidents_group_created', ['groupId', 'createdAt'])
@Index('ix_incidents_reporter_created', ['reporterId', 'createdAt'])
export class Incident {
  @PrimaryColumn(id)
  id: string;

  /** Readable number residents and workers quote, e.g. A-20261124-0007. */
  @Column({ type: 'varchar', length: 24 })
  number: string;

  @Column(code)
  category: string;

  @Column({ type: 'varchar', length: 16 })
  urgency: 'critical' | 'high' | 'normal';

  @Column({ type: 'varchar', length: 16 })
  status: IncidentStatus;

  @Column({ type: 'float' })
  confidence: number;

  @Column(shortText)
  classifiedBy: string;

  /** The resident's own words. */
  @Column(longText)
  text: string;

  @Column(shortText)
  place: string;

  @Column({ ...code, nullable: true })
  orgUnitCode: string | null;

  @Column(id)
  groupId: string;

  @Column(id)
  reporterId: string;

  @Column(id)
  sourceMessageId: string;

  @Column(code)
  leadPost: string;

  @Column(timestamp)
  acceptBy: Date;

  /** Critical cases promise someone on site (30 minutes); others have no arrival deadline. */
  @Column(optionalTimestamp)
  arriveBy: Date | null;

  @Column(timestamp)
  resolveBy: Date;

  @Column(optionalTimestamp)
  acceptedAt: Date | null;

  @Column(optionalTimestamp)
  resolvedAt: Date | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;

  /** Optimistic lock: a status change writes only if the version is still the one it read (handlers/actOnCard). */
  @Column({ type: 'int' })
  version: number;
}
