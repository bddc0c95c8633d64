// Indexes for the hot queries on a large street: open incidents by deadline (the service-level sweeps),
// a group's and a reporter's incidents by date (the conversation view, the repeat check), and the outbox
// by status and age (the relay).
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const INDEXES: [table: string, name: string, columns: string[]][] = [
  ['incidents', 'ix_incidents_status_accept_by', ['status', 'acceptBy']],
  ['incidents', 'ix_incidents_status_resolve_by', ['status', 'resolveBy']],
  ['incidents', 'ix_incidents_group_created', ['groupId', 'createdAt']],
  ['incidents', 'ix_incidents_reporter_created', ['reporterId', 'createdAt']],
  ['outbound_messages', 'ix_outbound_status_created', ['status', 'createdAt']],
  ['inbound_messages', 'ix_inbound_status_received', ['status', 'receivedAt']],
];

export class HotQueryIndexes1764700000000 implements MigrationInterface {
  name = 'HotQueryIndexes1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name, columnNames] of INDEXES) await queryRunner.createIndex(table, new TableIndex({ name, columnNames }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, name] of [...INDEXES].reverse()) await queryRunner.dropIndex(table, name);
  }
}
