import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { code, id, longText, shortText, timestamp } from './columns';

/** One step in an incident's audit trail: who did what, when, with what note. Never updated. */
@Entity('timeline_entries')
@Index('ix_timeline_incident_at', ['incidentId', 'at'])
export class TimelineEntry {
  /** Increasing: orders the steps written in one transaction, which share a timestamp. */
  @PrimaryGeneratedColumn({ type: 'int' })
  id: number;

  @Column(id)
  incidentId: string;

  @Column(timestamp)
  at: Date;

  @Column(code)
  type: string;

  /** A readable name for the actor ("张敏 (消防安全岗)", "bot", "resident 王大姐"). */
  @Column(shortText)
  actor: string;

  @Column({ ...id, nullable: true })
  actorId: string | null;

  @Column({ ...longText, nullable: true })
  note: string | null;
}
