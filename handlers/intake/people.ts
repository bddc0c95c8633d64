// Finds the person and the group a platform event speaks of, creating them the first time they are seen:
// a resident who never spoke before, or a group the bot was just added to, must not lose their message.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ChatGroup, GroupMember, Person } from '../../storage/entities';

export async function findOrCreatePerson(manager: EntityManager, platform: string, userId: string, name: string): Promise<Person> {
  const existing = await manager.findOneBy(Person, { platform, platformUserId: userId });
  if (existing) return existing;
  const person = { id: randomUUID(), platform, platformUserId: userId, name: name || userId, homeOrgUnitCode: null, createdAt: new Date() };
  await manager.insert(Person, person);
  return manager.findOneByOrFail(Person, { id: person.id });
}

/** A group never seen before is taken as a resident group with no binding until someone binds it. */
export async function findOrCreateGroup(manager: EntityManager, platform: string, chatId: string, name?: string): Promise<ChatGroup> {
  const existing = await manager.findOneBy(ChatGroup, { platform, platformChatId: chatId });
  if (existing) return existing;
  const group = { id: randomUUID(), platform, platformChatId: chatId, name: name || chatId, kind: 'resident' as const, postCode: null, orgUnitCode: null };
  await manager.insert(ChatGroup, group);
  return manager.findOneByOrFail(ChatGroup, { id: group.id });
}

export async function ensureGroupMember(manager: EntityManager, groupId: string, personId: string): Promise<void> {
  const existing = await manager.findOneBy(GroupMember, { groupId, personId });
  if (!existing) await manager.insert(GroupMember, { groupId, personId });
}
