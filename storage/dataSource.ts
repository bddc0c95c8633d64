// Builds the typeorm DataSource from configuration and runs the migrations: the schema comes only from
// storage/migrations (never `synchronize`), so moving from SQLite to MySQL is a configuration change.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import type { Config } from '../config';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './migrations';

/** Where the data lives: a SQLite file (embedded mode) or a MySQL/MariaDB server. */
export type DatabaseTarget = Config['database'] | { type: 'mysql' | 'mariadb'; url: string };

export function createDataSource(database: DatabaseTarget): DataSource {
  if (database.type !== 'better-sqlite3') {
    return new DataSource({
      // typeorm reads column defaults differently from the two servers; name the one you run.
      type: database.type,
      url: database.url,
      entities: ALL_ENTITIES,
      migrations: ALL_MIGRATIONS,
      synchronize: false,
      charset: 'utf8mb4_unicode_ci',
      // Dates are stored and read as UTC, as on SQLite.
      timezone: 'Z',
    });
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: database.file,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // WAL lets the sandbox page read while a job writes; the busy timeout rides out a concurrent CLI (npm run seed).
    // synchronous=NORMAL under WAL survives a crash of this process; only a power cut can lose the last commits.
    enableWAL: true,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      db.pragma('synchronous = NORMAL');
    },
  });
}

export async function openDatabase(database: DatabaseTarget): Promise<DataSource> {
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
