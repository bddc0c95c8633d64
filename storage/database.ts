// The one way code reaches the data: `read` for reads outside a transaction, `write` for every change.
// Handlers get this, never a bare DataSource, so a write that escapes the transaction runner cannot be typed.
//
// Why it matters on SQLite: typeorm's better-sqlite3 driver has one connection. A plain write issued while
// another transaction is open on it runs inside that transaction and is rolled back with it (a delivered
// message reverting to pending, a status change vanishing). So on SQLite every write is queued through one
// serial transaction lane, and reads use a second, read-only connection: under WAL it sees only committed
// data, never another transaction's half-done work, and cannot write by accident.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

/** The reading half of an EntityManager: what code outside a transaction may do. */
export type Reader = Pick<
  EntityManager,
  'find' | 'findBy' | 'findOne' | 'findOneBy' | 'findOneOrFail' | 'findOneByOrFail' | 'findAndCount' | 'count' | 'countBy' | 'exists' | 'existsBy'
>;

export type Write = <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

export interface Database {
  readonly type: DataSource['options']['type'];
  readonly read: Reader;
  /** Runs `work` in one transaction; on SQLite one at a time, in the order asked. */
  readonly write: Write;
  /** Answers when the database does (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `writer` runs migrations and every transaction. `reader` (SQLite only) is a read-only connection to the
 * same file; on MySQL reads use the writer's pool, whose connections each see committed data only.
 */
export function databaseOver(writer: DataSource, reader: DataSource = writer): Database {
  const isSqlite = writer.options.type === 'better-sqlite3';
  return {
    type: writer.options.type,
    read: reader.manager,
    write: isSqlite ? serialTransactions(writer) : (work) => writer.transaction(work),
    async ping() {
      await reader.query('SELECT 1');
    },
    async close() {
      if (reader !== writer) await reader.destroy();
      await writer.destroy();
    },
  };
}

/** SQLite through typeorm shares one connection: overlapping transactions would nest into each other's
 * savepoints, so they are queued. A failed transaction does not stop the ones behind it. */
function serialTransactions(dataSource: DataSource): Write {
  let tail: Promise<unknown> = Promise.resolve();
  const inside = new AsyncLocalStorage<true>();
  return <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    // Waiting for the lane from inside it would wait forever; say so instead.
    if (inside.getStore()) return Promise.reject(new Error('database.write called inside another write: pass its manager down instead'));
    const run = tail.then(() => dataSource.transaction((manager) => inside.run(true, () => work(manager))));
    tail = run.catch(() => undefined);
    return run;
  };
}
