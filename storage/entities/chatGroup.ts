import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { code, id, shortText } from './columns';
import type { Level } from '../../seeds/taxonomy';

export type ChatGroupKind = 'resident' | 'worker' | 'volunteer' | 'command';

/**
 * A group chat the bot sits in, and its binding: a resident group to its community, a worker group
 * to its post, the volunteer (rider) group and the command-centre group to the street.
 */
@Entity('chat_groups')
@Index('uq_chat_groups_platform_chat', ['platform', 'platformChatId'], { unique: true })
export class ChatGroup {
  @PrimaryColumn(id)
  id: string;

  @Column({ type: 'varchar', length: 16 })
  platform: string;

  @Column({ type: 'varchar', length: 128 })
  platformChatId: string;

  @Column(shortText)
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ChatGroupKind;

  @Column({ ...code, nullable: true })
  postCode: string | null;

  @Column({ ...code, nullable: true })
  orgUnitCode: string | null;

  /** A worker group that handles cases escalated (上报) to this level; null for every other group. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  level: Level | null;
}
