// One incident for many reports (issue 16): where a case is as the gazetteer knows it, the neighbours'
// reports joined into it, the place question, and the hotspots (一类事) the dispatcher was told about.
import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class OneIncidentManyReports1765700000000 implements MigrationInterface {
  name = 'OneIncidentManyReports1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const driver = queryRunner.connection.driver;
    const native = (type: string) => driver.normalizeType({ type: type as never });
    await queryRunner.addColumns('incidents', [
      new TableColumn({ name: 'placeKey', type: native('varchar'), length: '200', isNullable: true }),
      new TableColumn({ name: 'placeAskedAt', type: native('datetime'), precision: 3, isNullable: true }),
      new TableColumn({ name: 'reportCount', type: native('int'), default: 1 }),
    ]);
    await queryRunner.createIndex('incidents', new TableIndex({ name: 'ix_incidents_category_place', columnNames: ['category', 'placeKey'] }));
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'incident_reporters',
        [varchar('id', 36, { isPrimary: true }), varchar('incidentId', 36), varchar('personId', 36), varchar('messageId', 36), { name: 'similarity', type: 'float' }, time('createdAt')],
        [
          new TableIndex({ name: 'ix_incident_reporters_incident', columnNames: ['incidentId'] }),
          new TableIndex({ name: 'uq_incident_reporters_message', columnNames: ['messageId'], isUnique: true }),
        ],
      ),
      true,
    );
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'hotspots',
        [varchar('id', 36, { isPrimary: true }), varchar('category', 64), varchar('placeKey', 200), { name: 'cases', type: 'int' }, time('notifiedAt'), time('createdAt')],
        [new TableIndex({ name: 'uq_hotspots_category_place', columnNames: ['category', 'placeKey'], isUnique: true })],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('hotspots', true);
    await queryRunner.dropTable('incident_reporters', true);
    await queryRunner.dropIndex('incidents', 'ix_incidents_category_place');
    await queryRunner.dropColumns('incidents', ['reportCount', 'placeAskedAt', 'placeKey']);
  }
}
