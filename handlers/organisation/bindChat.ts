// Binding a chat to what it is for: a resident group to its community or grid (its reports are placed
// there), a worker group to a post (its cards go there), the volunteer and command-centre groups. Done by
// an admin from inside the chat (bindingCommand.ts) or through the admin API. A chat never bound is still
// heard: its reports go to the dispatcher first (openIncident).
import { ChatGroup, OrgUnit, type ChatGroupKind } from '../../storage/entities';
import { LEVELS, type Level } from '../../seeds/taxonomy';
import { findOrCreateGroup } from '../intake/people';
import type { HandlerContext } from '../context';
import { invalid } from '../errors';

export type ChatBinding =
  | { kind: 'resident'; orgUnit: string }
  | { kind: 'worker'; post?: string; level?: Level }
  | { kind: 'volunteer' | 'command'; orgUnit?: string };

export interface BoundChat {
  group: ChatGroup;
  /** In words, for the confirmation: 桂香园社区, 城市更新岗 … */
  description: string;
}

export async function bindChat(platform: string, chatId: string, binding: ChatBinding, context: HandlerContext, chatName?: string): Promise<BoundChat> {
  return context.db.write(async (manager) => {
    let orgUnit: OrgUnit | null = null;
    if ('orgUnit' in binding && binding.orgUnit) {
      orgUnit = await manager.findOneBy(OrgUnit, { code: binding.orgUnit });
      if (!orgUnit) throw invalid(`org unit ${binding.orgUnit} does not exist`);
    }
    const post = binding.kind === 'worker' && binding.post ? context.taxonomy.posts.get(binding.post) : undefined;
    if (binding.kind === 'worker') {
      if (binding.post && !post) throw invalid(`post ${binding.post} does not exist in the taxonomy`);
      if (binding.level && !LEVELS.includes(binding.level)) throw invalid(`level must be one of ${LEVELS.join(', ')}`);
      if (!binding.post && !binding.level) throw invalid('a worker group needs a post or a level');
    }
    const group = await findOrCreateGroup(manager, platform, chatId, chatName);
    const changes: Pick<ChatGroup, 'kind' | 'orgUnitCode' | 'postCode' | 'level'> = {
      kind: binding.kind as ChatGroupKind,
      orgUnitCode: orgUnit?.code ?? null,
      postCode: post?.code ?? null,
      level: binding.kind === 'worker' ? binding.level ?? null : null,
    };
    await manager.update(ChatGroup, { id: group.id }, changes);
    const description = [orgUnit?.name, post?.name, changes.level, binding.kind === 'command' ? '指挥中心' : binding.kind === 'volunteer' ? '志愿者群' : null]
      .filter(Boolean)
      .join(' · ');
    context.log.info({ platform, chatId, binding }, 'chat bound');
    return { group: { ...group, ...changes }, description };
  });
}
