import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { AssignmentStatus } from '../../handlers/incidents/incidentStateMachine';
import { code, id, longText, optionalTimestamp, timestamp } from './columns';

export type { AssignmentStatus };

export type AssignmentRole = 'lead' | 'assist';

/** An incident handed to one post: 主办 (lead) or 协办 (assist), with that post's own progress. */
@Entity('assignments')
@Index('uq_assignments_incident_post', ['incidentId', 'postCode'], { unique: true })
export class Assignment {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  incidentId: string;

  @Column(code)
  postCode: string;

  @Column({ type: 'varchar', length: 8 })
  role: AssignmentRole;

  @Column({ type: 'varchar', length: 16 })
  status: AssignmentStatus;

  /** Who accepted (and so owns) this post's part. */
  @Column({ ...id, nullable: true })
  ownerId: string | null;

  @Column({ ...longText, nullable: true })
  note: string | null;

  @Column(optionalTimestamp)
  acceptedAt: Date | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}
