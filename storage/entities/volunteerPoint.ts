import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, timestamp } from './columns';

/**
 * Points a volunteer earned (积分), one row per thing earned for: a report that became a case, a completed
 * door-to-door task. Unique per thing, so a retried job or a repeated click never pays twice.
 */
@Entity('volunteer_points')
@Index('uq_volunteer_points_for', ['reason', 'forId'], { unique: true })
@Index('ix_volunteer_points_person', ['personId'])
@Index('ix_volunteer_points_created', ['createdAt'])
export class VolunteerPoint {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  personId: string;

  @Column({ type: 'varchar', length: 16 })
  reason: 'report' | 'visit';

  /** The incident or visit task it was earned for. */
  @Column(id)
  forId: string;

  @Column({ type: 'int' })
  points: number;

  @Column(timestamp)
  createdAt: Date;
}
