// Where inbound messages are stored: many at a time in one transaction (storage/groupCommit.ts), each
// caller answered only once the transaction holding its message has committed, so an acknowledgement
// still means "stored". The sender and the group are found or created on the way (people.ts), from
// memory when seen before (knownIdentities.ts). A repeat of a platform message id, from an earlier batch
// or the same one, comes back as a duplicate carrying the first one's id. The attachments a new message
// names are stored with it, in the same transaction, pending their download; its location is in its row.
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import type { InboundMessageEvent } from '../events';
import type { Database } from '../../storage/database';
import { Attachment, InboundMessage } from '../../storage/entities';
import { groupCommit } from '../../storage/groupCommit';
import { findAllForUpdate } from '../../storage/queries/rowLocks';
import { KnownIdentities } from './knownIdentities';
import { ensureGroupMember, findOrCreateGroup, findOrCreatePerson } from './people';

/** An adapter's inbound event, cleaned (ingestMessage.ts), with the time it arrived. */
export type ArrivingMessage = InboundMessageEvent & { receivedAt: Date };

export interface StoredMessage {
  messageId: string;
  duplicate: boolean;
}

export type Inbox = (message: ArrivingMessage) => Promise<StoredMessage>;

export function createInbox(db: Database): Inbox {
  const known = new KnownIdentities();
  return groupCommit(async (messages: ArrivingMessage[]) => {
    // `ahead`: a webhook is waiting on this commit; classification and dispatch are not.
    const { stored, seen } = await db.write((manager) => storeMessages(manager, messages, known), { ahead: true });
    for (const identity of seen) known.remember(identity);
    return stored;
  });
}

type Identity = Parameters<KnownIdentities['remember']>[0];

async function storeMessages(manager: EntityManager, messages: ArrivingMessage[], known: KnownIdentities): Promise<{ stored: StoredMessage[]; seen: Identity[] }> {
  const seen: Identity[] = [];
  const rows: InboundMessage[] = [];
  for (const message of messages) {
    const identity = await resolveIdentity(manager, message, known, seen);
    seen.push(identity);
    rows.push({
      id: randomUUID(),
      platform: message.platform,
      platformMessageId: message.platformMessageId,
      groupId: identity.groupId,
      senderId: identity.personId,
      text: message.text,
      receivedAt: message.receivedAt,
      status: 'received',
      outcome: null,
      incidentId: null,
      attempts: 0,
      lastError: null,
      handledAt: null,
      classifiedBy: null,
      replyRef: message.replyRef ?? null,
      locationName: message.location?.name ?? null,
      latitude: message.location?.latitude ?? null,
      longitude: message.location?.longitude ?? null,
    });
  }
  // A message the platform delivered before meets the unique index and is skipped, not refused.
  await manager.createQueryBuilder().insert().into(InboundMessage).values(rows).orIgnore().updateEntity(false).execute();
  const storedIds = await idsByPlatformMessage(manager, rows);
  const stored = rows.map((row) => {
    const messageId = storedIds.get(`${row.platform}\n${row.platformMessageId}`);
    if (!messageId) throw new Error(`inbound message ${row.platform}/${row.platformMessageId} was neither stored nor found`);
    return { messageId, duplicate: messageId !== row.id };
  });
  await storeAttachments(manager, messages, stored);
  return { stored, seen };
}

/** Rows per insert: SQLite binds at most 32,766 parameters a statement, and a batch may be 200 messages of 10. */
const ATTACHMENT_ROWS_PER_INSERT = 500;

/**
 * The attachments of the messages stored by this batch, pending their download, in the same transaction: a
 * message is never stored without the attachments it came with. A duplicate delivery brings none (its first
 * delivery did), and a batch without attachments costs no statement.
 */
async function storeAttachments(manager: EntityManager, messages: ArrivingMessage[], stored: StoredMessage[]): Promise<void> {
  const rows: Attachment[] = messages.flatMap((message, i) =>
    !message.attachments || stored[i].duplicate
      ? []
      : message.attachments.map((attachment, position) => ({
          id: randomUUID(),
          messageId: stored[i].messageId,
          platform: message.platform,
          position,
          kind: attachment.kind,
          ref: attachment.ref,
          fileName: attachment.fileName ?? null,
          status: 'pending' as const,
          path: null,
          contentType: null,
          bytes: null,
          sha256: null,
          attempts: 0,
          lastError: null,
          createdAt: message.receivedAt,
          storedAt: null,
        })),
  );
  for (let start = 0; start < rows.length; start += ATTACHMENT_ROWS_PER_INSERT) {
    await manager.createQueryBuilder().insert().into(Attachment).values(rows.slice(start, start + ATTACHMENT_ROWS_PER_INSERT)).updateEntity(false).execute();
  }
}

/** From memory, from this batch, or from the database (creating the rows the first time). */
async function resolveIdentity(manager: EntityManager, message: ArrivingMessage, known: KnownIdentities, earlier: Identity[]): Promise<Identity> {
  const { platform, chatId, sender } = message;
  const inBatch = (pick: (identity: Identity) => boolean) => earlier.find(pick);
  const groupId =
    known.groupId(platform, chatId) ??
    inBatch((i) => i.platform === platform && i.chatId === chatId)?.groupId ??
    (await findOrCreateGroup(manager, platform, chatId, message.chatName)).id;
  const personId =
    known.personId(platform, sender.userId) ??
    inBatch((i) => i.platform === platform && i.userId === sender.userId)?.personId ??
    (await findOrCreatePerson(manager, platform, sender.userId, sender.name)).id;
  if (!known.isMember(groupId, personId) && !inBatch((i) => i.groupId === groupId && i.personId === personId)) {
    await ensureGroupMember(manager, groupId, personId);
  }
  return { platform, chatId, groupId, userId: sender.userId, personId };
}

/** The stored id of each (platform, platform message id), whichever insert got it there. */
async function idsByPlatformMessage(manager: EntityManager, rows: InboundMessage[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const platform of new Set(rows.map((row) => row.platform))) {
    const platformMessageIds = rows.filter((row) => row.platform === platform).map((row) => row.platformMessageId);
    const found = await findAllForUpdate(manager, InboundMessage, {
      where: { platform, platformMessageId: In(platformMessageIds) },
      select: { id: true, platform: true, platformMessageId: true },
    });
    for (const message of found) ids.set(`${message.platform}\n${message.platformMessageId}`, message.id);
  }
  return ids;
}
