// Storing inbound messages, with group commit: messages that arrive while a store is being written are
// stored together in the next transaction, so a burst costs a few commits instead of one per message (the
// commit, an fsync on MySQL and the write lane on SQLite, was what ingest waited on). Each message is still
// stored before its acknowledgement. If a batch fails, its messages are stored one by one, so one bad
// message cannot fail the others, and the unique-index race is settled per message.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Database } from '../../storage/database';
import { InboundMessage } from '../../storage/entities';
import type { InboundMessageEvent } from '../events';
import { ensureGroupMember, findOrCreateGroup, findOrCreatePerson } from './people';

export interface StoredMessage {
  messageId: string;
  duplicate: boolean;
}

interface Pending {
  event: InboundMessageEvent;
  text: string;
  resolve(stored: StoredMessage): void;
  reject(error: unknown): void;
}

/** The most messages one transaction stores. */
const MAX_BATCH = 200;

export class InboundStore {
  private waiting: Pending[] = [];
  private writing = false;

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  /** Resolves once the message is committed (or found stored before). */
  store(event: InboundMessageEvent, text: string): Promise<StoredMessage> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ event, text, resolve, reject });
      if (!this.writing) void this.writeBatches();
    });
  }

  private async writeBatches(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        try {
          const stored = await this.db.write(async (manager) => {
            const results: StoredMessage[] = [];
            for (const { event, text } of batch) results.push(await this.insertOnce(manager, event, text));
            return results;
          });
          batch.forEach((pending, i) => pending.resolve(stored[i]));
        } catch {
          for (const pending of batch) await this.storeAlone(pending);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  /** Two deliveries racing on separate connections (MySQL) meet at the unique index; the loser reads the winner's row. */
  private async storeAlone({ event, text, resolve, reject }: Pending): Promise<void> {
    try {
      resolve(await this.db.write((manager) => this.insertOnce(manager, event, text)));
    } catch (error) {
      const winner = await this.db.read.findOneBy(InboundMessage, { platform: event.platform, platformMessageId: event.platformMessageId }).catch(() => null);
      if (winner) resolve({ messageId: winner.id, duplicate: true });
      else reject(error);
    }
  }

  /** Inserts the message unless the platform delivered it before. */
  private async insertOnce(manager: EntityManager, event: InboundMessageEvent, text: string): Promise<StoredMessage> {
    const duplicate = await manager.findOneBy(InboundMessage, { platform: event.platform, platformMessageId: event.platformMessageId });
    if (duplicate) return { messageId: duplicate.id, duplicate: true };
    const group = await findOrCreateGroup(manager, event.platform, event.chatId, event.chatName);
    const sender = await findOrCreatePerson(manager, event.platform, event.sender.userId, event.sender.name);
    await ensureGroupMember(manager, group.id, sender.id);
    const id = randomUUID();
    await manager.insert(InboundMessage, {
      id,
      platform: event.platform,
      platformMessageId: event.platformMessageId,
      groupId: group.id,
      senderId: sender.id,
      text,
      receivedAt: this.clock(),
      status: 'received',
      outcome: null,
      incidentId: null,
      attempts: 0,
      lastError: null,
      handledAt: null,
      classifiedBy: null,
    });
    return { messageId: id, duplicate: false };
  }
}
