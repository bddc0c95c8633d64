// The schema comes only from the migrations. These tests check that the migrations create exactly what
// the entities describe, on SQLite (embedded mode) and on MariaDB (production), so nothing is SQLite-only.
// The SQLite check always runs; without a MariaDB server the MariaDB one is skipped with the reason printed
// (or fails, under REQUIRE_SERVICES=1).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { createDataSource, type DatabaseTarget } from '../../storage/dataSource';
import { describeIfAvailable, mariadbAvailability } from '../support/services';

const MARIADB = { host: process.env.MYSQL_HOST ?? '127.0.0.1', port: Number(process.env.MYSQL_PORT ?? 3306), user: process.env.MYSQL_USER ?? 'root', password: process.env.MYSQL_PASSWORD ?? '' };

async function pendingSchemaChanges(target: DatabaseTarget): Promise<string[]> {
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations();
    expect(applied.length).toBeGreaterThan(0);
    const pending = await dataSource.driver.createSchemaBuilder().log();
    return pending.upQueries.map((q) => q.query);
  } finally {
    await dataSource.undoLastMigration().catch(() => undefined);
    await dataSource.destroy();
  }
}

describe('database schema', () => {
  it('on SQLite is created by the migrations exactly as the entities describe it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-schema-'));
    expect(await pendingSchemaChanges({ type: 'better-sqlite3', file: path.join(dir, 'db.sqlite') })).toEqual([]);
  });

  describeIfAvailable(mariadbAvailability(MARIADB), 'on MariaDB', () => {
    it('is created by the same migrations exactly as the entities describe it', async () => {
      const database = `grid_bot_schema_${process.pid}`;
      const admin = await createConnection(MARIADB);
      try {
        await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        const url = `mysql://${MARIADB.user}:${encodeURIComponent(MARIADB.password)}@${MARIADB.host}:${MARIADB.port}/${database}`;
        expect(await pendingSchemaChanges({ type: 'mariadb', url })).toEqual([]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
        await admin.end();
      }
    });
  });
});
