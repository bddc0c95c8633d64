import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, optionalTimestamp, shortText, timestamp } from './columns';

/**
 * 6+1 任务清单: a grid worker's list for one local day, made from seeds/daily-tasks.json for their grid and
 * sent as a card in the GRID post's worker group. One per worker and day (the unique index settles retries).
 */
@Entity('daily_task_lists')
@Index('uq_daily_task_lists_worker_day', ['workerId', 'day'], { unique: true })
@Index('ix_daily_task_lists_day', ['day'])
export class DailyTaskList {
  @PrimaryColumn(id)
  id: string;

  /** The grid worker (person id). */
  @Column(id)
  workerId: string;

  /** The street's local date, "2026-12-03". */
  @Column({ type: 'varchar', length: 10 })
  day: string;

  @Column(code)
  grid: string;

  /** The GRID post's worker group the card is in. */
  @Column(id)
  cardGroupId: string;

  /** The platform's handle for updating the card. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  platformRef: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(timestamp)
  updatedAt: Date;
}

/** One item of a list; ticked once, by the list's own worker. */
@Entity('daily_task_items')
@Index('uq_daily_task_items_list_position', ['listId', 'position'], { unique: true })
export class DailyTaskItem {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  listId: string;

  /** 1..n, in the seed's order. */
  @Column({ type: 'int' })
  position: number;

  @Column(shortText)
  title: string;

  @Column({ ...id, nullable: true })
  doneById: string | null;

  @Column(optionalTimestamp)
  doneAt: Date | null;
}
