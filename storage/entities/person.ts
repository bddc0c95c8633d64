import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, shortText, timestamp } from './columns';

/** Someone who speaks in a group: a resident, a rider volunteer or a worker, as one platform knows them. */
@Entity('people')
@Index('uq_people_platform_user', ['platform', 'platformUserId'], { unique: true })
export class Person {
  @PrimaryColumn(id)
  id: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  @Column({ type: 'varchar', length: 128 })
  platformUserId: string;

  @Column(shortText)
  name: string;

  /** The grid a resident lives in, when known: incidents they report are placed there. */
  @Column({ ...code, nullable: true })
  homeOrgUnitCode: string | null;

  @Column(timestamp)
  createdAt: Date;
}
