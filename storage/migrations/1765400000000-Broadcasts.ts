// Broadcasts (issue 16): police anti-fraud warnings sent to every resident and rider group.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class Broadcasts1765400000000 implements MigrationInterface {
  name = 'Broadcasts1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const columns = [
      varchar('id', 36, { isPrimary: true }),
      varchar('kind', 32),
      { name: 'text', type: 'text' },
      varchar('sentBy', 200),
      varchar('sourceMessageId', 36, { isNullable: true }),
      { name: 'groups', type: 'int' },
      { name: 'people', type: 'int' },
      time('createdAt'),
    ];
    const indices = [new TableIndex({ name: 'ix_broadcasts_created', columnNames: ['createdAt'] })];
    await queryRunner.createTable(portableTable(queryRunner, 'broadcasts', columns, indices), true);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('broadcasts', true);
  }
}
