// Triage (issue 15): messages the classifiers could not decide, each on a card before the grid worker.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class Triage1765200000000 implements MigrationInterface {
  name = 'Triage1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'triage_items',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('messageId', 36),
          varchar('cardGroupId', 36),
          { name: 'guesses', type: 'text' },
          varchar('status', 16),
          varchar('filedCategory', 64, { isNullable: true }),
          varchar('incidentId', 36, { isNullable: true }),
          varchar('decidedById', 36, { isNullable: true }),
          time('decidedAt', { isNullable: true }),
          varchar('platformRef', 512, { isNullable: true }),
          time('createdAt'),
          time('updatedAt'),
        ],
        [
          new TableIndex({ name: 'uq_triage_message', columnNames: ['messageId'], isUnique: true }),
          new TableIndex({ name: 'ix_triage_status_created', columnNames: ['status', 'createdAt'] }),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('triage_items', true);
  }
}
