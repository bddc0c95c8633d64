// Finds the person and the group a platform event speaks of, creating them the first time they are seen:
// a resident who never spoke before, or a group the bot was just added to, must not lose their message.
// Created with insert-or-ignore on their unique keys, so two first messages at once (two web processes on
// MySQL) both find the one row instead of one of them failing on the unique index. The row is then read
// with a locking read, which sees a concurrent transaction's committed insert where the transaction's own
// snapshot (MySQL's REPEATABLE READ) would not.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ChatGroup, GroupMember, Person } from '../../storage/entities';
import { findForUpdateOrFail } from '../../storage/queries/rowLocks';

/** The name columns' length: a longer display name from a platform is cut, not refused. */
const NAME_LENGTH = 200;

export async function findOrCreatePerson(manager: EntityManager, platform: string, userId: string, name: string): Promise<Person> {
  const key = { platform, platformUserId: userId };
  const existing = await manager.findOneBy(Person, key);
  if (existing) return existing;
  await insertOrIgnore(manager, Person, { id: randomUUID(), ...key, name: (name || userId).slice(0, NAME_LENGTH), homeOrgUnitCode: null, createdAt: new Date() });
  return findForUpdateOrFail(manager, Person, key);
}

/** A group never seen before is taken as a resident group with no binding until someone binds it. */
export async function findOrCreateGroup(manager: EntityManager, platform: string, chatId: string, name?: string): Promise<ChatGroup> {
  const key = { platform, platformChatId: chatId };
  const existing = await manager.findOneBy(ChatGroup, key);
  if (existing) return existing;
  await insertOrIgnore(manager, ChatGroup, { id: randomUUID(), ...key, name: (name || chatId).slice(0, NAME_LENGTH), kind: 'resident', postCode: null, orgUnitCode: null, level: null });
  return findForUpdateOrFail(manager, ChatGroup, key);
}

export async function ensureGroupMember(manager: EntityManager, groupId: string, personId: string): Promise<void> {
  if (!(await manager.existsBy(GroupMember, { groupId, personId }))) await insertOrIgnore(manager, GroupMember, { groupId, personId });
}

async function insertOrIgnore<E extends object>(manager: EntityManager, entity: new () => E, row: E): Promise<void> {
  await manager.createQueryBuilder().insert().into(entity).values(row as never).orIgnore().execute();
}
