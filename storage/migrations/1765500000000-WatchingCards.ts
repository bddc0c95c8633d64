// A card may be a watch copy (the command centre's copy of a red case's lead card): its buttons still act
// for the post's members only, and a platform that sends cards 1:1 to a post does not send this one again.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class WatchingCards1765500000000 implements MigrationInterface {
  name = 'WatchingCards1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.normalizeType({ type: 'boolean' as never });
    // A default is SQL text here: false is written 0 on SQLite and MySQL alike.
    await queryRunner.addColumn('cards', new TableColumn({ name: 'watching', type, default: '0' }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('cards', 'watching');
  }
}
