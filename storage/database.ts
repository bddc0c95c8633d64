// The one way code reaches the data: `read` for reads outside a transaction, `write` for every change.
// Handlers get this, never a bare DataSource, so a write that escapes the transaction runner cannot be typed.
//
// Why it matters on SQLite: typeorm's better-sqlite3 driver has one connection. A plain write issued while
// another transaction is open on it runs inside that transaction and is rolled back with it (a delivered
// message reverting to pending, a status change vanishing). So on SQLite every write is queued through one
// serial transaction lane, and reads use a second, read-only connection: under WAL it sees only committed
// data, never another transaction's half-done work, and cannot write by accident.
import type { DataSource, EntityManager } from 'typeorm';

/** The reading half of an EntityManager: what code outside a transaction may do. */
export type Reader = Pick<
  EntityManager,
  'find' | 'findBy' | 'findOne' | 'findOneBy' | 'findOneOrFail' | 'findOneByOrFail' | 'findAndCount' | 'count' | 'countBy' | 'exists' | 'existsBy' | 'createQueryBuilder'
>;

export interface WriteOptions {
  /** Someone is waiting on this write to answer (a platform's webhook): on SQLite it goes before the
   * background writes already waiting for the lane, not after them. */
  ahead?: boolean;
}

export type Write = <T>(work: (manager: EntityManager) => Promise<T>, options?: WriteOptions) => Promise<T>;

export interface Database {
  readonly type: DataSource['options']['type'];
  readonly read: Reader;
  /** Runs `work` in one transaction; on SQLite one at a time, in the order asked. */
  readonly write: Write;
  /** Answers when the database does (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Run pending migrations when opening (default); otherwise refuse to open a database that has some. */
  migrate?: boolean;
  /** MySQL: connections in the pool (default 10). */
  poolSize?: number;
  /** SQLite: how long a write may wait for the lane before it is refused (default 30 s). */
  maxWriteWaitMs?: number;
}

/**
 * `writer` runs migrations and every transaction. `reader` (SQLite only) is a read-only connection to the
 * same file; on MySQL reads use the writer's pool, whose connections each see committed data only.
 */
export function databaseOver(writer: DataSource, reader: DataSource = writer, options: DatabaseOptions = {}): Database {
  const isSqlite = writer.options.type === 'better-sqlite3';
  return {
    type: writer.options.type,
    read: reader.manager,
    write: isSqlite ? serialTransactions(writer, options.maxWriteWaitMs ?? 30_000) : retriedOnDeadlock(writer),
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
 * savepoints, so they are queued, in the order asked except that a write marked `ahead` passes the ones
 * not marked. A failed transaction does not stop the ones behind it. A write that waits longer than
 * `maxWaitMs` for its turn is refused: that is a db.write nested inside another (it would wait for itself
 * forever) or a transaction that never ends, and an error says so instead of a silent hang.
 * (Detecting nesting directly needs AsyncLocalStorage, whose promise hooks cost about 4% of throughput on Node 20.) */
function serialTransactions(dataSource: DataSource, maxWaitMs: number): Write {
  const ahead: Turn[] = [];
  const behind: Turn[] = [];
  let isBusy = false;

  const next = () => {
    const turn = ahead.shift() ?? behind.shift();
    isBusy = turn !== undefined;
    turn?.start();
  };

  return <T>(work: (manager: EntityManager) => Promise<T>, options: WriteOptions = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const line = options.ahead ? ahead : behind;
      const timer = setTimeout(() => {
        line.splice(line.indexOf(turn), 1);
        reject(new Error(`database write waited over ${maxWaitMs} ms for its turn: a db.write nested inside another (pass its manager down instead), or a transaction that does not end`));
      }, maxWaitMs);
      const turn: Turn = {
        start() {
          clearTimeout(timer);
          dataSource.transaction(work).then(resolve, reject).finally(next);
        },
      };
      line.push(turn);
      if (!isBusy) next();
    });
}

interface Turn {
  start(): void;
}

/** MySQL / MariaDB errors that mean "this transaction lost a race, run it again": InnoDB chose it as a
 * deadlock victim (1213), or it waited too long for a row lock (1205). Its work was rolled back whole. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

function retriedOnDeadlock(dataSource: DataSource, attempts = 5): Write {
  return async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await dataSource.transaction(work);
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code ?? (error as { code?: string }).code;
        if (!code || !RETRYABLE.has(code) || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      }
    }
  };
}
