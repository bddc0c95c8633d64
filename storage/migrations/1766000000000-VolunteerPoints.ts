// Volunteer points (issue 16): what each rider volunteer earned, and for what.
import { TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { portableTable, time, varchar } from './portableTable';

export class VolunteerPoints1766000000000 implements MigrationInterface {
  name = 'VolunteerPoints1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      portableTable(
        queryRunner,
        'volunteer_points',
        [varchar('id', 36, { isPrimary: true }), varchar('personId', 36), varchar('reason', 16), varchar('forId', 36), { name: 'points', type: 'int' }, time('createdAt')],
        [
          new TableIndex({ name: 'uq_volunteer_points_for', columnNames: ['reason', 'forId'], isUnique: true }),
          new TableIndex({ name: 'ix_volunteer_points_person', columnNames: ['personId'] }),
          new TableIndex({ name: 'ix_volunteer_points_created', columnNames: ['createdAt'] }),
        ],
      ),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('volunteer_points', true);
  }
}
