import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Named sequences (one per day for incident numbers), advanced inside the creating transaction. */
@Entity('counters')
export class Counter {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'int' })
  value: number;
}
