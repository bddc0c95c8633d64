// Attachments sent with inbound messages (随手拍 photos): one row per attachment, stored with its message
// and the platform's ref, filled in (path, type, size, hash) once the fetchAttachments job has the file.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class Attachments1765100000000 implements MigrationInterface {
  name = 'Attachments1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'attachments',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('messageId', 36),
          varchar('platform', 16),
          { name: 'position', type: 'int', default: 0 },
          varchar('kind', 16),
          varchar('ref', 1024),
          varchar('fileName', 255, { isNullable: true }),
          varchar('status', 16),
          varchar('path', 255, { isNullable: true }),
          varchar('contentType', 128, { isNullable: true }),
          { name: 'bytes', type: 'int', isNullable: true },
          varchar('sha256', 64, { isNullable: true }),
          { name: 'attempts', type: 'int', default: 0 },
          { name: 'lastError', type: 'text', isNullable: true },
          time('createdAt'),
          time('storedAt', { isNullable: true }),
        ],
        [
          // A message's attachments (the job, GET /api/messages); the relay's pending ones, oldest first.
          new TableIndex({ name: 'ix_attachments_message', columnNames: ['messageId'] }),
          new TableIndex({ name: 'ix_attachments_status_created', columnNames: ['status', 'createdAt'] }),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('attachments', true);
  }
}
