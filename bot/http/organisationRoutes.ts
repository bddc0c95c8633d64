// The admin API for who is where: bind a chat (a resident group to its community, a worker group to its
// post …) and set a post's members, on any platform. The same handlers serve the in-chat 绑定 command.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { bindChat, type ChatBinding } from '../../handlers/organisation/bindChat';
import { addPostMember, removePostMember } from '../../handlers/organisation/postMembership';
import { notFound } from '../../handlers/errors';
import { LEVELS } from '../../seeds/taxonomy';
import type { RouteGroup } from './routers';
import { parseInput } from './validate';

const bindingBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('resident'), orgUnit: z.string().min(1), name: z.string().max(200).optional() }),
  z.object({ kind: z.literal('worker'), post: z.string().min(1).optional(), level: z.enum(LEVELS).optional(), name: z.string().max(200).optional() }),
  z.object({ kind: z.enum(['volunteer', 'command']), orgUnit: z.string().min(1).optional(), name: z.string().max(200).optional() }),
]);

const memberBody = z.object({ name: z.string().trim().min(1).max(200), isLeader: z.boolean().default(false) });
const platformParam = z.string().regex(/^[a-z]{2,16}$/, 'must be a platform name such as wecom');

export function organisationRoutes(routes: RouteGroup, context: HandlerContext): RouteGroup {
  const { router } = routes;

  router.put('/chats/:platform/:chatId/binding', async (ctx) => {
    const platform = parseInput(platformParam, ctx.params.platform, 'platform');
    const { name, ...binding } = parseInput(bindingBody, ctx.request.body, 'binding');
    const bound = await bindChat(platform, ctx.params.chatId, binding as ChatBinding, context, name);
    const { group } = bound;
    ctx.body = { id: group.id, platform: group.platform, chatId: group.platformChatId, name: group.name, kind: group.kind, orgUnit: group.orgUnitCode, post: group.postCode, level: group.level };
  });

  router.put('/posts/:code/members/:platform/:userId', async (ctx) => {
    const platform = parseInput(platformParam, ctx.params.platform, 'platform');
    const body = parseInput(memberBody, ctx.request.body, 'member');
    ctx.body = await addPostMember({ postCode: ctx.params.code, platform, userId: ctx.params.userId, ...body }, context);
  });

  router.delete('/posts/:code/members/:platform/:userId', async (ctx) => {
    const platform = parseInput(platformParam, ctx.params.platform, 'platform');
    if (!(await removePostMember(ctx.params.code, platform, ctx.params.userId, context))) {
      throw notFound(`${platform} user ${ctx.params.userId} is not a member of post ${ctx.params.code}`);
    }
    ctx.status = 204;
  });

  return routes;
}
