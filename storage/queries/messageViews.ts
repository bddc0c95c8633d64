// Inbound messages as the admin API shows them: everything residents sent, with what the bot made of it
// (throttled floods, quotes of the bot, staff talk and failures included: nothing is hidden), with the
// attachments each came with and whether they are stored.
import { In, type FindOptionsWhere } from 'typeorm';
import type { Reader } from '../database';
import { ChatGroup, InboundMessage, Person, type InboundStatus } from '../entities';
import { attachmentsOfMessages } from './attachmentViews';

export async function listInboundMessages(reader: Reader, filter: { status?: InboundStatus; groupId?: string; limit: number; offset: number }) {
  const where: FindOptionsWhere<InboundMessage> = {};
  if (filter.status) where.status = filter.status;
  if (filter.groupId) where.groupId = filter.groupId;
  const [rows, total] = await reader.findAndCount(InboundMessage, { where, order: { receivedAt: 'DESC', id: 'ASC' }, take: filter.limit, skip: filter.offset });
  const groups = new Map((await reader.findBy(ChatGroup, { id: In([...new Set(rows.map((r) => r.groupId))]) })).map((g) => [g.id, g]));
  const people = new Map((await reader.findBy(Person, { id: In([...new Set(rows.map((r) => r.senderId))]) })).map((p) => [p.id, p]));
  const attachments = await attachmentsOfMessages(reader, rows.map((r) => r.id));
  return {
    items: rows.map((row) => ({
      id: row.id,
      status: row.status,
      outcome: row.outcome,
      decidedBy: row.classifiedBy,
      incidentId: row.incidentId,
      groupId: row.groupId,
      groupName: groups.get(row.groupId)?.name ?? '',
      sender: people.get(row.senderId)?.platformUserId ?? row.senderId,
      senderName: people.get(row.senderId)?.name ?? '',
      text: row.text,
      receivedAt: row.receivedAt.toISOString(),
      attempts: row.attempts,
      lastError: row.lastError,
      attachments: attachments.get(row.id) ?? [],
    })),
    total,
  };
}
