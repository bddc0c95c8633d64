import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, longText, timestamp } from './columns';

export type DigestKind = 'daily' | 'weekly' | 'monthly';

/**
 * A digest sent to the command centre (日调度, 周复盘, 月晾晒): one per kind and period, kept by the unique
 * index, so however many ticks or schedulers run, each period's digest is written (and sent) once.
 */
@Entity('digests')
@Index('uq_digests_kind_period', ['kind', 'period'], { unique: true })
export class Digest {
  @PrimaryColumn(id)
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: DigestKind;

  /** The local day the period starts: the day itself, its week's Monday, or its month's 1st ("2026-12-01"). */
  @Column({ type: 'varchar', length: 10 })
  period: string;

  @Column(longText)
  text: string;

  @Column(timestamp)
  createdAt: Date;
}
