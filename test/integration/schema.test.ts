import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDataSource } from '../../storage/dataSource';

describe('database schema', () => {
  it('is created by the migrations exactly as the entities describe it (nothing left for synchronize)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'grid-bot-schema-'));
    const dataSource = createDataSource({ type: 'better-sqlite3', file: path.join(dir, 'db.sqlite') });
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations();
      expect(applied.length).toBeGreaterThan(0);
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
