// Door-to-door dissuasion tasks (上门劝阻): households at risk of fraud that police ask a rider volunteer to
// visit. The outbox's kind column grows to 32 characters for the visit-task card kinds (visit_task_update is 17).
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class VisitTasks1765800000000 implements MigrationInterface {
  name = 'VisitTasks1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'visit_tasks',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('number', 32),
          varchar('address', 200),
          { name: 'reason', type: 'text' },
          time('dueAt'),
          varchar('status', 16),
          varchar('createdBy', 200),
          varchar('createdFromMessageId', 36, { isNullable: true }),
          varchar('takenById', 36, { isNullable: true }),
          time('takenAt', { isNullable: true }),
          varchar('outcome', 16, { isNullable: true }),
          { name: 'note', type: 'text', isNullable: true },
          time('doneAt', { isNullable: true }),
          varchar('cardGroupId', 36),
          varchar('platformRef', 512, { isNullable: true }),
          time('remindedAt', { isNullable: true }),
          time('escalatedAt', { isNullable: true }),
          time('createdAt'),
          time('updatedAt'),
        ],
        [
          new TableIndex({ name: 'uq_visit_tasks_number', columnNames: ['number'], isUnique: true }),
          new TableIndex({ name: 'uq_visit_tasks_message', columnNames: ['createdFromMessageId'], isUnique: true }),
          new TableIndex({ name: 'ix_visit_tasks_status_due', columnNames: ['status', 'dueAt'] }),
        ],
      ),
      true,
    );
    // On MariaDB a varchar that stays under 256 bytes (16 → 32 characters of utf8mb4 is 64 → 128) widens in place.
    await queryRunner.changeColumn('outbound_messages', 'kind', kindColumn(queryRunner, 32));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.changeColumn('outbound_messages', 'kind', kindColumn(queryRunner, 16));
    await queryRunner.dropTable('visit_tasks', true);
  }
}

function kindColumn(queryRunner: QueryRunner, length: number): TableColumn {
  const type = queryRunner.connection.driver.normalizeType({ type: 'varchar' as never });
  return new TableColumn({ name: 'kind', type, length: String(length) });
}
