import { Column, Entity, PrimaryColumn } from 'typeorm';
import { id, timestamp } from './columns';

/**
 * Accept ladder: 催办 (reminder in the post's group), the post's leader, the command centre.
 * Resolve clock: a heads-up to the accepting worker at 80% of the resolve limit, 督办 when it has passed.
 */
export type ClockStepName = 'accept_reminder' | 'accept_leader' | 'accept_command' | 'resolve_warning' | 'resolve_overdue';

/**
 * One step of the service-level clock taken for one incident. The key (incident, round, step) is what makes each
 * step happen once: whatever the number of schedulers, overlapping sweeps or restarts, the second attempt
 * to record the same step finds the row and sends nothing.
 */
@Entity('clock_steps')
export class ClockStep {
  @PrimaryColumn(id)
  incidentId: string;

  /** The incident's clockRound when the step was taken: 改派 and reopening start a new round. */
  @PrimaryColumn({ type: 'int', default: 0 })
  round: number;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  step: ClockStepName;

  /** When the step fell due, and when the sweep took it. */
  @Column(timestamp)
  dueAt: Date;

  @Column(timestamp)
  takenAt: Date;
}
