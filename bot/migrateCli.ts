// `npm run migrate`: applies pending migrations to the configured database (SQLite under DATA_DIR, or
// DATABASE_URL), then exits. For deployments that start the bot with MIGRATE_ON_START=false.
import { ConfigError, loadConfig } from '../config';
import { createDataSource } from '../storage/dataSource';

async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    console.log(applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'no pending migrations');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : `migrate failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
