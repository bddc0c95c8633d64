// For migrations: columns written once in typeorm's portable names (varchar, int, datetime, text), turned
// into each driver's own type, so the same migration builds the same schema on SQLite and MySQL / MariaDB.
import { Table, TableColumn, type QueryRunner, type TableColumnOptions, type TableIndex } from 'typeorm';

export const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'varchar', length: String(length), ...extra });
/** A timestamp with milliseconds (the entities' `timestamp` columns). */
export const time = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'datetime', precision: 3, ...extra });

export function portableTable(queryRunner: QueryRunner, name: string, columns: TableColumnOptions[], indices: TableIndex[] = []): Table {
  const driver = queryRunner.connection.driver;
  const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });
  return new Table({ name, columns: columns.map(native), indices });
}
