// Builds the typeorm DataSource from configuration and runs the migrations: the schema comes only from
// storage/migrations (never `synchronize`), so moving from SQLite to MySQL is a configuration change.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { ALL_ENTITIES } from './entities';
import { ALL_MIGRATIONS } from './migrations';
import { databaseOver, type Database, type DatabaseOptions } from './database';

/** Where the data lives: a SQLite file (embedded mode) or a MySQL/MariaDB server. */
export type DatabaseTarget = Config['database'];

export function createDataSource(database: DatabaseTarget, options: { readOnly?: boolean; poolSize?: number } = {}): DataSource {
  if (database.type !== 'better-sqlite3') {
    return new DataSource({
      // typeorm reads column defaults differently from the two servers; name the one you run.
      type: database.type,
      url: database.url,
      entities: ALL_ENTITIES,
      migrations: ALL_MIGRATIONS,
      synchronize: false,
      charset: 'utf8mb4_unicode_ci',
      poolSize: options.poolSize ?? 10,
      // mysql2 captures a stack trace for every query to decorate errors: 6% of the bot's CPU under load in
      // the bench profile. typeorm's QueryFailedError already names the query.
      extra: { trace: false },
      // Dates are stored and read as UTC, as on SQLite.
      timezone: 'Z',
    });
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  return new DataSource({
    type: 'better-sqlite3',
    database: database.file,
    // The read-only connection of storage/database.ts: it can never write, so it can never write outside the lane.
    readonly: options.readOnly ?? false,
    entities: ALL_ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    // WAL lets the sandbox page read while a job writes; the busy timeout rides out a concurrent CLI (npm run seed).
    // synchronous=NORMAL under WAL survives a crash of this process; only a power cut can lose the last commits.
    enableWAL: !options.readOnly,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('busy_timeout = 5000');
      if (!options.readOnly) db.pragma('synchronous = NORMAL');
    },
  });
}

/** Opens the database, runs the migrations, and gives the one handle the rest of the code uses. */
export async function openDatabase(database: DatabaseTarget, options: DatabaseOptions = {}): Promise<Database> {
  const writer = createDataSource(database, { poolSize: options.poolSize });
  await writer.initialize();
  try {
    if (options.migrate ?? true) await writer.runMigrations({ transaction: 'each' });
    else if (await writer.showMigrations()) throw new Error('the database has pending migrations: run `npm run migrate` (or start with MIGRATE_ON_START=true)');
    if (database.type !== 'better-sqlite3') return databaseOver(writer, writer, options);
    const reader = createDataSource(database, { readOnly: true });
    await reader.initialize();
    return databaseOver(writer, reader, options);
  } catch (error) {
    await writer.destroy();
    throw error;
  }
}

/** Where the data is, for logs and messages: the SQLite file, or the server URL without its password. */
export function describeDatabase(database: DatabaseTarget): string {
  return database.type === 'better-sqlite3' ? database.file : database.url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
