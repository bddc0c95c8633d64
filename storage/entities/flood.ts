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

  /** The last throttled message's time: the flood goes on while it is recent. */
  @Column(timestamp)
  lastAt: Date;
}
