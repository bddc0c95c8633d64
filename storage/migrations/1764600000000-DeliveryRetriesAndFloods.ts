// Outbox rows that wait out a platform outage (when they failed first, when to try next), the index the
// per-sender flood limit counts with, and one row per sender or group under a flood.
import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

const time = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'datetime', precision: 3, ...extra });

export class DeliveryRetriesAndFloods1764600000000 implements MigrationInterface {
  name = 'DeliveryRetriesAndFloods1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });

    await queryRunner.addColumns('outbound_messages', [
      native(time('failingSince', { isNullable: true })),
      native(time('nextAttemptAt', { isNullable: true })),
    ]);
    await queryRunner.createIndex('outbound_messages', new TableIndex({ name: 'ix_outbound_status_next', columnNames: ['status', 'nextAttemptAt'] }));
    await queryRunner.createIndex('inbound_messages', new TableIndex({ name: 'ix_inbound_sender_received', columnNames: ['senderId', 'receivedAt'] }));
    await queryRunner.createTable(
      new Table({
        name: 'floods',
        columns: [
          { name: 'scope', type: 'varchar', length: '16', isPrimary: true },
          { name: 'scopeId', type: 'varchar', length: '36', isPrimary: true },
          time('lastAt'),
        ].map(native),
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('floods', true);
    await queryRunner.dropIndex('inbound_messages', 'ix_inbound_sender_received');
    await queryRunner.dropIndex('outbound_messages', 'ix_outbound_status_next');
    await queryRunner.dropColumn('outbound_messages', 'nextAttemptAt');
    await queryRunner.dropColumn('outbound_messages', 'failingSince');
  }
}
