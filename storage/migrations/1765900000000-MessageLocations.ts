// Locations sent with messages (随手拍 "桂香苑8栋", WeCom's location message): the place's name and its point,
// kept on the message. Double for the coordinates: a single-precision float on MariaDB loses about 100 m.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class MessageLocations1765900000000 implements MigrationInterface {
  name = 'MessageLocations1765900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const native = (type: string) => queryRunner.connection.driver.normalizeType({ type: type as never });
    await queryRunner.addColumns('inbound_messages', [
      new TableColumn({ name: 'locationName', type: native('varchar'), length: '100', isNullable: true }),
      new TableColumn({ name: 'latitude', type: native('double'), isNullable: true }),
      new TableColumn({ name: 'longitude', type: native('double'), isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('inbound_messages', ['longitude', 'latitude', 'locationName']);
  }
}
