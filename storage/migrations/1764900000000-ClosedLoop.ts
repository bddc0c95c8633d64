// The closed loop: the level a case is handled at (grid → community → street → district) and the level
// each handling group serves; when a case was closed, how often reopened, the resident's verdict; the clock's
// round (改派 and reopening start the deadlines again, and the steps of a new round are taken afresh).
import { readFileSync } from 'node:fs';
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { fromProjectRoot } from '../../config/projectRoot';

const time = (name: string): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable: true });

export class ClosedLoop1764900000000 implements MigrationInterface {
  name = 'ClosedLoop1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });

    await queryRunner.addColumns('incidents', [
      native({ name: 'level', type: 'varchar', length: '16', default: "'community'" }),
      native(time('closedAt')),
      native({ name: 'reopenCount', type: 'int', default: 0 }),
      native({ name: 'satisfaction', type: 'varchar', length: '16', isNullable: true }),
      native({ name: 'clockRound', type: 'int', default: 0 }),
      native(time('clockStartedAt')),
    ]);
    // Cases stored before levels existed start at their category's level, as new ones do.
    const taxonomy = JSON.parse(readFileSync(fromProjectRoot('seeds', 'taxonomy.json'), 'utf8')) as { categories: { code: string; level: string }[] };
    for (const category of taxonomy.categories) {
      await queryRunner.query(`UPDATE incidents SET level = ? WHERE category = ?`, [category.level, category.code]);
    }
    await queryRunner.createIndex('incidents', new TableIndex({ name: 'ix_incidents_status_resolved', columnNames: ['status', 'resolvedAt'] }));
    await queryRunner.addColumn('chat_groups', native({ name: 'level', type: 'varchar', length: '16', isNullable: true }));

    // The key gains the round. Rebuilt rather than altered: SQLite cannot change a primary key in place.
    await queryRunner.createTable(clockStepsTable('clock_steps_next', ['incidentId', 'round', 'step'], native), true);
    await queryRunner.query(`INSERT INTO clock_steps_next (incidentId, round, step, dueAt, takenAt) SELECT incidentId, 0, step, dueAt, takenAt FROM clock_steps`);
    await queryRunner.dropTable('clock_steps');
    await queryRunner.renameTable('clock_steps_next', 'clock_steps');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });
    await queryRunner.createTable(clockStepsTable('clock_steps_previous', ['incidentId', 'step'], native), true);
    await queryRunner.query(`INSERT INTO clock_steps_previous (incidentId, step, dueAt, takenAt) SELECT incidentId, step, dueAt, takenAt FROM clock_steps WHERE round = 0`);
    await queryRunner.dropTable('clock_steps');
    await queryRunner.renameTable('clock_steps_previous', 'clock_steps');
    await queryRunner.dropColumn('chat_groups', 'level');
    await queryRunner.dropIndex('incidents', 'ix_incidents_status_resolved');
    for (const name of ['clockStartedAt', 'clockRound', 'satisfaction', 'reopenCount', 'closedAt', 'level']) await queryRunner.dropColumn('incidents', name);
  }
}

function clockStepsTable(name: string, key: string[], native: (column: TableColumnOptions) => TableColumn): Table {
  const columns: TableColumnOptions[] = [
    { name: 'incidentId', type: 'varchar', length: '36' },
    ...(key.includes('round') ? [{ name: 'round', type: 'int', default: 0 }] : []),
    { name: 'step', type: 'varchar', length: '32' },
    { name: 'dueAt', type: 'datetime', precision: 3 },
    { name: 'takenAt', type: 'datetime', precision: 3 },
  ];
  return new Table({ name, columns: columns.map((column) => native({ ...column, isPrimary: key.includes(column.name) })) });
}
