// Attachments as the admin API shows them: listed with their message (GET /api/messages), and one stored
// file to serve (GET /api/attachments/:id).
import { In } from 'typeorm';
import type { Reader } from '../database';
import { Attachment, type AttachmentStatus } from '../entities';

export interface AttachmentItem {
  id: string;
  kind: Attachment['kind'];
  status: AttachmentStatus;
  contentType: string | null;
  bytes: number | null;
  fileName: string | null;
  /** Why it is not stored (yet): the last failed download's reason. */
  lastError: string | null;
}

/** Each message's attachments in the order they were sent; a message without any is absent from the map. */
export async function attachmentsOfMessages(reader: Reader, messageIds: string[]): Promise<Map<string, AttachmentItem[]>> {
  const byMessage = new Map<string, AttachmentItem[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await reader.find(Attachment, {
    where: { messageId: In(messageIds) },
    select: { id: true, messageId: true, position: true, kind: true, status: true, contentType: true, bytes: true, fileName: true, lastError: true },
    order: { messageId: 'ASC', position: 'ASC' },
  });
  for (const row of rows) {
    const items = byMessage.get(row.messageId) ?? [];
    items.push({ id: row.id, kind: row.kind, status: row.status, contentType: row.contentType, bytes: row.bytes, fileName: row.fileName, lastError: row.lastError });
    byMessage.set(row.messageId, items);
  }
  return byMessage;
}

/** What serving one attachment needs; null for an id never stored. */
export function attachmentToServe(reader: Reader, id: string) {
  return reader.findOne(Attachment, { where: { id }, select: { id: true, messageId: true, platform: true, kind: true, status: true, path: true, contentType: true, bytes: true, fileName: true, sha256: true } });
}
