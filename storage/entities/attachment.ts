import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { id, longText, optionalTimestamp, timestamp } from './columns';
import type { AttachmentKind } from '../../handlers/events';

/**
 * pending: named by the platform, waiting for the fetchAttachments job; stored: the file is under DATA_DIR;
 * failed: the platform will not hand it over (or the retries ran out), `lastError` says why.
 */
export type AttachmentStatus = 'pending' | 'stored' | 'failed';

/**
 * A photo or file sent with an inbound message (随手拍). Stored in the message's own transaction, with only
 * the platform's ref; the file itself is downloaded afterwards, so a webhook never waits on it.
 */
@Entity('attachments')
@Index('ix_attachments_message', ['messageId'])
// The relay's question: pending attachments older than its threshold, oldest first.
@Index('ix_attachments_status_created', ['status', 'createdAt'])
export class Attachment {
  @PrimaryColumn(id)
  id: string;

  @Column(id)
  messageId: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  /** Its place among the message's attachments (0 first), to show them in the order they were sent. */
  @Column({ type: 'int', default: 0 })
  position: number;

  @Column({ type: 'varchar', length: 16 })
  kind: AttachmentKind;

  /** The platform's handle to download it (a WeCom media id, an encrypted URL): opaque, only its adapter reads it. */
  @Column({ type: 'varchar', length: 1024 })
  ref: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  fileName: string | null;

  @Column({ type: 'varchar', length: 16 })
  status: AttachmentStatus;

  /** Relative to DATA_DIR (attachments/2026-12/<id>.jpg), so the data folder can move. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  path: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  contentType: string | null;

  @Column({ type: 'int', nullable: true })
  bytes: number | null;

  /** Hex SHA-256 of the stored file: what a person (or an evidence export) can check it against. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sha256: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ ...longText, nullable: true })
  lastError: string | null;

  @Column(timestamp)
  createdAt: Date;

  @Column(optionalTimestamp)
  storedAt: Date | null;
}
