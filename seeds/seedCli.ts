// `npm run seed`: applies the taxonomy's posts and the demo street to the configured database. Idempotent.
import { loadConfig } from '../config';
import { describeDatabase, openDatabase } from '../storage/dataSource';
import { loadDemoStreet } from './demoStreet';
import { seedDatabase } from './seed';
import { loadTaxonomy } from './taxonomy';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    const report = await seedDatabase(db, loadTaxonomy(), config.seedDemo ? loadDemoStreet() : null);
    console.log(`seeded ${describeDatabase(config.database)}: ${JSON.stringify(report)}`);
  } finally {
    await db.close();
  }
}

main().catch((error) => {
  console.error(`seed failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
