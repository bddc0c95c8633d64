import { Column, Entity, PrimaryColumn } from 'typeorm';
import { id, timestamp } from './columns';

/** 催办 (reminder in the post's group), the post's leader, the command centre. */
export type ClockStepName = 'accept_reminder' | 'accept_leader' | 'accept_command';

/**
 * One step of the service-level clock taken for one incident. The key (incident, step) is what makes each
 * step happen once: whatever the number of schedulers, overlapping sweeps or restarts, the second attempt
 * to record the same step finds the row and sends nothing.
 */
@Entity('clock_steps')
export class ClockStep {
  @PrimaryColumn(id)
  incidentId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  step: ClockStepName;

  /** When the step fell due, and when the sweep took it. */
  @Column(timestamp)
  dueAt: Date;

  @Column(timestamp)
  takenAt: Date;
}
