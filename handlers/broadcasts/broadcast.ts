// A message the street sends to many groups at once (a police warning, the anti-fraud tip of the week): the
// broadcast's record and one outbox row per group, written in the caller's transaction, so each group gets
// it exactly once and the outbound queue delivers each row within its platform's limits, retrying failures.
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { Broadcast, ChatGroup, GroupMember, type ChatGroupKind } from '../../storage/entities';
import { Outbox } from '../delivery/outbox';

export interface BroadcastResult {
  id: string;
  groups: number;
  people: number;
}

export async function writeBroadcast(
  manager: EntityManager,
  broadcast: { kind: Broadcast['kind']; text: string; notice: string; sentBy: string; sourceMessageId?: string; to: readonly ChatGroupKind[] },
  now: Date,
): Promise<{ result: BroadcastResult; outbox: Outbox }> {
  const groups = await manager.find(ChatGroup, { where: { kind: In([...broadcast.to]) }, order: { name: 'ASC' } });
  const people = groups.length ? await manager.countBy(GroupMember, { groupId: In(groups.map((group) => group.id)) }) : 0;
  const row: Broadcast = {
    id: randomUUID(), kind: broadcast.kind, text: broadcast.text, sentBy: broadcast.sentBy.slice(0, 200),
    sourceMessageId: broadcast.sourceMessageId ?? null, groups: groups.length, people, createdAt: now,
  };
  await manager.insert(Broadcast, row);
  const outbox = new Outbox(manager, now);
  for (const group of groups) await outbox.add('text', group.id, broadcast.notice);
  return { result: { id: row.id, groups: row.groups, people: row.people }, outbox };
}
