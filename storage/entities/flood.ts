import { Column, Entity, PrimaryColumn } from 'typeorm';
import { timestamp } from './columns';

export type FloodScope = 'sender' | 'group';

/**
 * A sender or a group over its message limit. One row each, kept between floods: a flood is "new" (and the
 * grid worker is told) when the last throttled message is older than the quiet gap, so one flood is one notice.
 */
@Entity('floods')
export class Flood {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  scope: FloodScope;

  /** The person's or the group's id. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  scopeId: string;

  @Column(timestamp)
  startedAt: Date;

  @Column(timestamp)
  lastAt: Date;

  /** Messages throttled in this flood. */
  @Column({ type: 'int' })
  throttled: number;
}
