// Builds the typeorm DataSource from configuration and runs the migrations: the schema comes only from
// storage/migrations (never `synchronize`), so moving from SQLite to MySQL is a configuration change.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import type { Config } from '../config';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './migrations';

export function createDataSource(database: Config['database']): DataSource {
  mkdirSync(path.dirname(database.file), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: database.file,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // WAL lets the sandbox page read while a job writes; the busy timeout rides out a concurrent CLI (npm run seed).
    enableWAL: true,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
    },
  });
}

export async function openDatabase(database: Config['database']): Promise<DataSource> {
  const dataSource = createDataSource(database);
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

export type Transaction = <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

/**
 * Runs work in one database transaction. SQLite through typeorm shares a single connection, so two
 * overlapping transactions would nest into each other's savepoints; on SQLite they are queued instead.
 */
export function transactionRunner(dataSource: DataSource): Transaction {
  if (dataSource.options.type !== 'better-sqlite3') {
    return (work) => dataSource.transaction(work);
  }
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    const run = tail.then(() => dataSource.transaction(work));
    tail = run.catch(() => undefined);
    return run;
  };
}
