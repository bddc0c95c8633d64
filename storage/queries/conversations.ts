// Group chats as a participant sees them: the groups with their members (and the posts each holds), and
// a group's conversation, people's messages (with their photos) and the bot's delivered messages interleaved by time.
import { In } from 'typeorm';
import type { Reader } from '../database';
import { Card, ChatGroup, GroupMember, InboundMessage, OutboundMessage, Person, PostMember, TriageItem } from '../entities';
import { attachmentsOfMessages, type AttachmentItem } from './attachmentViews';

export interface GroupWithMembers {
  group: ChatGroup;
  members: { person: Person; posts: string[] }[];
}

/** Groups in the order people look for them: residents, volunteers, workers (by `postOrder`), command centre. */
export async function groupsWithMembers(reader: Reader, platform: string, postOrder: string[] = []): Promise<GroupWithMembers[]> {
  const groups = await reader.find(ChatGroup, { where: { platform }, order: { kind: 'ASC', name: 'ASC' } });
  const memberships = await reader.findBy(GroupMember, { groupId: In(groups.map((g) => g.id)) });
  const people = await reader.findBy(Person, { id: In([...new Set(memberships.map((m) => m.personId))]) });
  const posts = await reader.findBy(PostMember, { personId: In(people.map((p) => p.id)) });
  const personById = new Map(people.map((p) => [p.id, p]));
  const kindOrder = { resident: 0, volunteer: 1, worker: 2, command: 3 };
  const postRank = (code: string | null) => (code && postOrder.includes(code) ? postOrder.indexOf(code) : postOrder.length);
  return groups
    .sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || postRank(a.postCode) - postRank(b.postCode))
    .map((group) => ({
      group,
      members: memberships
        .filter((m) => m.groupId === group.id)
        .map((m) => personById.get(m.personId)!)
        .sort((a, b) => a.platformUserId.localeCompare(b.platformUserId))
        .map((person) => ({ person, posts: posts.filter((p) => p.personId === person.id).map((p) => p.postCode) })),
    }));
}

export type ConversationEntry =
  | { kind: 'person'; message: InboundMessage; sender: Person; attachments: AttachmentItem[] }
  | { kind: 'bot'; message: OutboundMessage; card: Card | null; triage: TriageItem | null };

/** The last `limit` entries of a group, oldest first. Only delivered bot messages appear, as in a real chat. */
export async function groupConversation(reader: Reader, groupId: string, limit: number): Promise<ConversationEntry[]> {
  const inbound = await reader.find(InboundMessage, { where: { groupId }, order: { receivedAt: 'DESC' }, take: limit });
  const outbound = await reader.find(OutboundMessage, {
    where: { groupId, status: 'sent', kind: In(['text', 'card', 'triage_card', 'visit_task_card', 'daily_tasks_card']) },
    order: { createdAt: 'DESC' },
    take: limit,
  });
  const senders = await reader.findBy(Person, { id: In([...new Set(inbound.map((m) => m.senderId))]) });
  const cardIds = (kind: string) => outbound.flatMap((m) => (m.cardId && m.kind === kind ? [m.cardId] : []));
  const cards = await reader.findBy(Card, { id: In(cardIds('card')) });
  const triage = await reader.findBy(TriageItem, { id: In(cardIds('triage_card')) });
  const attachments = await attachmentsOfMessages(reader, inbound.map((m) => m.id));
  const entries: { at: number; order: number; entry: ConversationEntry }[] = [
    ...inbound.map((message) => ({
      at: message.receivedAt.getTime(),
      order: 0,
      entry: { kind: 'person' as const, message, sender: senders.find((s) => s.id === message.senderId)!, attachments: attachments.get(message.id) ?? [] },
    })),
    ...outbound.map((message) => ({
      at: message.createdAt.getTime(),
      order: 1,
      entry: {
        kind: 'bot' as const,
        message,
        card: (message.kind === 'card' && cards.find((c) => c.id === message.cardId)) || null,
        triage: (message.kind === 'triage_card' && triage.find((t) => t.id === message.cardId)) || null,
      },
    })),
  ];
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  return entries.slice(-limit).map((e) => e.entry);
}
