// Triage (issue 15): messages the classifiers could not decide, each on a card before the grid worker.
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });
const time = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'datetime', precision: 3, ...extra });

export class Triage1765200000000 implements MigrationInterface {
  name = 'Triage1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });
    await queryRunner.createTable(
      new Table({
        name: 'triage_items',
        columns: [
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
        ].map(native),
        indices: [
          new TableIndex({ name: 'uq_triage_message', columnNames: ['messageId'], isUnique: true }),
          new TableIndex({ name: 'ix_triage_status_created', columnNames: ['status', 'createdAt'] }),
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('triage_items', true);
  }
}
