import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, timestamp } from './columns';

/**
 * One kind of problem at one place that keeps coming back (一类事): three or more cases of a category at a
 * place within 30 days. The dispatcher is told once per 30 days, so a cause gets looked at, not only each case.
 */
@Entity('hotspots')
@Index('uq_hotspots_category_place', ['category', 'placeKey'], { unique: true })
export class Hotspot {
  @PrimaryColumn(id)
  id: string;

  @Column(code)
  category: string;

  @Column({ type: 'varchar', length: 200 })
  placeKey: string;

  /** Cases counted when the dispatcher was last told. */
  @Column({ type: 'int' })
  cases: number;

  @Column(timestamp)
  notifiedAt: Date;

  @Column(timestamp)
  createdAt: Date;
}
