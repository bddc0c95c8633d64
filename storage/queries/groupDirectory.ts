// The chat groups, as recently read: every report reads its own group, each post's worker group and the
// command centre's, and each delivery its target's, six reads of rows that change only when someone binds
// a group. Kept for `ttlMs`, so a group bound or rebound (by a seed, an admin, another process) is seen
// within that time, and a group the bot has not seen before is read at once.
import type { Reader } from '../database';
import { ChatGroup } from '../entities';
import type { Level } from '../../seeds/taxonomy';

export const GROUP_DIRECTORY_TTL_MS = 10_000;

export class GroupDirectory {
  private readonly byId = new Map<string, { group: ChatGroup; readAt: number }>();
  private handling: { worker: Map<string, ChatGroup[]>; level: Map<Level, ChatGroup>; command: ChatGroup | null; readAt: number } | null = null;

  constructor(
    private readonly read: Reader,
    private readonly ttlMs = GROUP_DIRECTORY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async group(id: string): Promise<ChatGroup> {
    const kept = this.byId.get(id);
    if (kept && this.now() - kept.readAt < this.ttlMs) return kept.group;
    const group = await this.read.findOneByOrFail(ChatGroup, { id });
    this.byId.set(id, { group, readAt: this.now() });
    return group;
  }

  /**
   * The worker group (工作群) bound to a post, if it has one. A street on several platforms may bind one per
   * platform: given the chat a case came from (`near`), the post's group on that chat's platform is chosen.
   */
  async workerGroupOf(postCode: string, near?: { groupId: string }): Promise<ChatGroup | null> {
    const groups = (await this.handlingGroups()).worker.get(postCode);
    if (!groups) return null;
    if (near && groups.length > 1) {
      const { platform } = await this.group(near.groupId);
      return groups.find((group) => group.platform === platform) ?? groups[0];
    }
    return groups[0];
  }

  /** The group that handles cases escalated (上报) to a level, if the street has one. */
  async levelGroupOf(level: Level): Promise<ChatGroup | null> {
    return (await this.handlingGroups()).level.get(level) ?? null;
  }

  /** The street's command-centre group (指挥中心), if it has one. */
  async commandGroup(): Promise<ChatGroup | null> {
    return (await this.handlingGroups()).command;
  }

  /** Worker and command groups: a few per street, read together. */
  private async handlingGroups() {
    if (this.handling && this.now() - this.handling.readAt < this.ttlMs) return this.handling;
    const groups = await this.read.find(ChatGroup, { where: [{ kind: 'worker' }, { kind: 'command' }], order: { platform: 'ASC', platformChatId: 'ASC' } });
    const worker = new Map<string, ChatGroup[]>();
    const level = new Map<Level, ChatGroup>();
    for (const group of groups) {
      if (group.kind !== 'worker') continue;
      if (group.postCode) worker.set(group.postCode, [...(worker.get(group.postCode) ?? []), group]);
      if (group.level && !level.has(group.level)) level.set(group.level, group);
    }
    this.handling = { worker, level, command: groups.find((group) => group.kind === 'command') ?? null, readAt: this.now() };
    return this.handling;
  }
}
