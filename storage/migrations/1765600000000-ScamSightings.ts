// Scam bait seen in groups (issue 16): each sighting counted under its alert, and the alert's line on the card.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class ScamSightings1765600000000 implements MigrationInterface {
  name = 'ScamSightings1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'scam_sightings',
        [
          varchar('id', 36, { isPrimary: true }),
          varchar('messageId', 36),
          varchar('senderId', 36),
          varchar('groupId', 36),
          varchar('fingerprint', 64),
          varchar('scamType', 32, { isNullable: true }),
          varchar('day', 10),
          varchar('incidentId', 36),
          time('createdAt'),
        ],
        [
          new TableIndex({ name: 'uq_scam_sightings_message', columnNames: ['messageId'], isUnique: true }),
          new TableIndex({ name: 'ix_scam_sightings_sender', columnNames: ['senderId'] }),
          new TableIndex({ name: 'ix_scam_sightings_fingerprint_day', columnNames: ['fingerprint', 'day'] }),
        ],
      ),
      true,
    );
    const type = queryRunner.connection.driver.normalizeType({ type: 'varchar' as never });
    await queryRunner.addColumn('incidents', new TableColumn({ name: 'alertLine', type, length: '200', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('incidents', 'alertLine');
    await queryRunner.dropTable('scam_sightings', true);
  }
}
