// 6+1 任务清单: each grid worker's daily list and its items (ticked on the card).
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class DailyTasks1766300000000 implements MigrationInterface {
  name = 'DailyTasks1766300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'daily_task_lists',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('workerId', 36),
          varchar('day', 10),
          varchar('grid', 64),
          varchar('cardGroupId', 36),
          varchar('platformRef', 512, { isNullable: true }),
          time('createdAt'),
          time('updatedAt'),
        ],
        [
          new TableIndex({ name: 'uq_daily_task_lists_worker_day', columnNames: ['workerId', 'day'], isUnique: true }),
          new TableIndex({ name: 'ix_daily_task_lists_day', columnNames: ['day'] }),
        ],
      ),
      true,
    );
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'daily_task_items',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('listId', 36),
          { name: 'position', type: 'int' },
          varchar('title', 200),
          varchar('doneById', 36, { isNullable: true }),
          time('doneAt', { isNullable: true }),
        ],
        [new TableIndex({ name: 'uq_daily_task_items_list_position', columnNames: ['listId', 'position'], isUnique: true })],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('daily_task_items', true);
    await queryRunner.dropTable('daily_task_lists', true);
  }
}
