// The one-line summary (一句话摘要) an LLM writes for a case's card; null when the model or rules decided.
import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

export class IncidentSummary1765300000000 implements MigrationInterface {
  name = 'IncidentSummary1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const type = queryRunner.connection.driver.normalizeType({ type: 'varchar' as never });
    await queryRunner.addColumn('incidents', new TableColumn({ name: 'summary', type, length: '64', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('incidents', 'summary');
  }
}
