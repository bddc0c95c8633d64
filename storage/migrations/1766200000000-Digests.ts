// The command centre's digests (日调度, 周复盘, 月晾晒): one row per kind and period, unique, so each is sent once.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class Digests1766200000000 implements MigrationInterface {
  name = 'Digests1766200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'digests',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('kind', 16),
          varchar('period', 10),
          { name: 'text', type: 'text' },
          time('createdAt'),
        ],
        [new TableIndex({ name: 'uq_digests_kind_period', columnNames: ['kind', 'period'], isUnique: true })],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('digests', true);
  }
}
