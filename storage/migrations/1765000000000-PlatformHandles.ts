// Platform reply handles (issue 14): WeCom answers a message through a one-shot `response_url` or a stream,
// and updates a card with the click's single-use ResponseCode; both are longer than the card handle column
// allowed, and an inbound message now keeps the handle that answers it.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

export class PlatformHandles1765000000000 implements MigrationInterface {
  name = 'PlatformHandles1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const native = nativeColumn(queryRunner);
    await queryRunner.addColumn('inbound_messages', native({ name: 'replyRef', type: 'varchar', length: '1024', isNullable: true }));
    await queryRunner.changeColumn('cards', 'platformRef', native({ name: 'platformRef', type: 'varchar', length: '512', isNullable: true }));
    // The stream poll looks up the reply waiting for a message (handlers/delivery/waitingReplies.ts).
    await queryRunner.createIndex('outbound_messages', new TableIndex({ name: 'ix_outbound_reply_to', columnNames: ['replyToMessageId'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const native = nativeColumn(queryRunner);
    await queryRunner.dropIndex('outbound_messages', 'ix_outbound_reply_to');
    await queryRunner.changeColumn('cards', 'platformRef', native({ name: 'platformRef', type: 'varchar', length: '128', isNullable: true }));
    await queryRunner.dropColumn('inbound_messages', 'replyRef');
  }
}

function nativeColumn(queryRunner: QueryRunner) {
  const driver = queryRunner.connection.driver;
  return (column: TableColumnOptions) => new TableColumn({ ...column, type: driver.normalizeType({ type: column.type as never }) });
}
