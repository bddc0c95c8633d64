import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, longText, optionalTimestamp, shortText, timestamp } from './columns';

/**
 * received: stored, waiting for the inbound job; done: handled (see outcome);
 * ignored: not a report to act on (a worker or command group, staff talk, a quote of the bot's own notice);
 * throttled: over its sender's or group's flood limit, kept but not classified; failed: retries used up.
 */
export type InboundStatus = 'received' | 'done' | 'ignored' | 'throttled' | 'failed';

/** Every message a platform delivers, stored before anything else can fail. Idempotent on the platform's id. */
@Entity('inbound_messages')
@Index('uq_inbound_platform_message', ['platform', 'platformMessageId'], { unique: true })
@Index('ix_inbound_group_received', ['groupId', 'receivedAt'])
@Index('ix_inbound_status', ['status'])
@Index('ix_inbound_sender_received', ['senderId', 'receivedAt'])
@Index('ix_inbound_status_received', ['status', 'receivedAt'])
export class InboundMessage {
  @PrimaryColumn(id)
  id: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  @Column({ type: 'varchar', length: 128 })
  platformMessageId: string;

  @Column(id)
  groupId: string;

  @Column(id)
  senderId: string;

  @Column(longText)
  text: string;

  @Column(timestamp)
  receivedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  status: InboundStatus;

  /** The classification's code (a category, consult or chat) once handled. */
  @Column({ ...code, nullable: true })
  outcome: string | null;

  @Column({ ...id, nullable: true })
  incidentId: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ ...longText, nullable: true })
  lastError: string | null;

  @Column(optionalTimestamp)
  handledAt: Date | null;

  /** The platform's handle for answering this message (WeCom's response_url, a stream), opaque to handlers. */
  @Column({ type: 'varchar', length: 1024, nullable: true })
  replyRef: string | null;

  /** The classifier's own words on what it decided, for the audit trail. */
  @Column({ ...shortText, nullable: true })
  classifiedBy: string | null;

  /** The place the sender sent with the message (随手拍 "桂香苑8栋", a shared location's label), as sent. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  locationName: string | null;

  /**
   * The point sent with it, in degrees as the platform gives them; both or neither. Double, not float: MariaDB's
   * single-precision float gives back 121.469 for 121.46917, a hundred metres off.
   */
  @Column({ type: 'double', nullable: true })
  latitude: number | null;

  @Column({ type: 'double', nullable: true })
  longitude: number | null;
}
