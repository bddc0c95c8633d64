// The outbox as the admin API shows it: what the bot meant to send, where, and what became of it.
import type { FindOptionsWhere } from 'typeorm';
import type { Reader } from '../database';
import { ChatGroup, OutboundMessage, type OutboundStatus } from '../entities';
import { In } from 'typeorm';

export interface OutboxItem {
  id: string;
  status: OutboundStatus;
  kind: OutboundMessage['kind'];
  groupId: string;
  groupName: string;
  platform: string;
  incidentId: string | null;
  text: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  failingSince: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

export async function listOutbox(
  reader: Reader,
  filter: { status?: OutboundStatus; groupId?: string; limit: number; offset: number },
): Promise<{ items: OutboxItem[]; total: number }> {
  const where: FindOptionsWhere<OutboundMessage> = {};
  if (filter.status) where.status = filter.status;
  if (filter.groupId) where.groupId = filter.groupId;
  const [rows, total] = await reader.findAndCount(OutboundMessage, { where, order: { createdAt: 'ASC', id: 'ASC' }, take: filter.limit, skip: filter.offset });
  const groups = await reader.findBy(ChatGroup, { id: In([...new Set(rows.map((r) => r.groupId))]) });
  const groupById = new Map(groups.map((g) => [g.id, g]));
  return { items: rows.map((row) => presentOutboxRow(row, groupById.get(row.groupId))), total };
}

export function presentOutboxRow(row: OutboundMessage, group: ChatGroup | undefined): OutboxItem {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    groupId: row.groupId,
    groupName: group?.name ?? '',
    platform: group?.platform ?? '',
    incidentId: row.incidentId,
    text: row.text,
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    failingSince: iso(row.failingSince),
    nextAttemptAt: iso(row.nextAttemptAt),
    sentAt: iso(row.sentAt),
  };
}
