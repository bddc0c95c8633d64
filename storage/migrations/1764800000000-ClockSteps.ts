// The service-level clock's steps taken, one row per (incident, step), so each is taken once.
import { Table, TableColumn, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const time = (name: string): TableColumnOptions => ({ name, type: 'datetime', precision: 3 });

export class ClockSteps1764800000000 implements MigrationInterface {
  name = 'ClockSteps1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });
    await queryRunner.createTable(
      new Table({
        name: 'clock_steps',
        columns: [
          { name: 'incidentId', type: 'varchar', length: '36', isPrimary: true },
          { name: 'step', type: 'varchar', length: '32', isPrimary: true },
          time('dueAt'),
          time('takenAt'),
        ].map(native),
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('clock_steps', true);
  }
}
