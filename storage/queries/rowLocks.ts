// Reading a row that the transaction is about to change, so that a concurrent change cannot slip in between.
// On MySQL / MariaDB a locking read (SELECT … FOR UPDATE): it waits for a concurrent writer of the row and
// then sees what that writer committed, not the transaction's older snapshot. On SQLite every write
// transaction already runs alone (storage/database.ts), and typeorm refuses lock modes there.
import type { EntityManager, EntityTarget, FindOptionsSelect, FindOptionsWhere, ObjectLiteral } from 'typeorm';

/** The lock option of a find on this database: FOR UPDATE on MySQL, none on SQLite. */
function forUpdate(manager: EntityManager) {
  return manager.connection.options.type === 'better-sqlite3' ? {} : { lock: { mode: 'pessimistic_write' as const } };
}

export function findForUpdate<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>, where: FindOptionsWhere<E>): Promise<E | null> {
  return manager.findOne(entity, { where, ...forUpdate(manager) });
}

export async function findForUpdateOrFail<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>, where: FindOptionsWhere<E>): Promise<E> {
  const row = await findForUpdate(manager, entity, where);
  if (!row) throw new Error(`${String((entity as { name?: string }).name ?? entity)} ${JSON.stringify(where)} does not exist`);
  return row;
}

/** Every row matching `where`, read as findForUpdate reads one: on MySQL the latest committed rows, locked. */
export function findAllForUpdate<E extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<E>, options: { where: FindOptionsWhere<E>; select?: FindOptionsSelect<E> }): Promise<E[]> {
  return manager.find(entity, { ...options, ...forUpdate(manager) });
}
