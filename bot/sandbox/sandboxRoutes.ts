// The sandbox platform's HTTP side: list groups and members, post a message as any member, read a group's
// conversation with its cards, and click card buttons as a worker. Parses and validates like a platform
// adapter, then calls the same handlers WeCom and DingTalk will call.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { actOnCard } from '../../handlers/incidents/actOnCard';
import { loadCardViews } from '../../handlers/delivery/cardView';
import { invalid, notFound } from '../../handlers/errors';
import { CARD_ACTIONS } from '../../handlers/incidents/incidentStateMachine';
import { ingestMessage, MAX_MESSAGE_LENGTH } from '../../handlers/intake/ingestMessage';
import { ChatGroup, GroupMember, Person } from '../../storage/entities';
import { groupConversation, groupsWithMembers } from '../../storage/queries/conversations';
import { summarise } from '../../storage/queries/incidentViews';
import type { RouteGroup } from '../http/routers';
import { parseInput, queryInt } from '../http/validate';
import { SANDBOX_PLATFORM, type SandboxDelivery } from './sandboxDelivery';

const postMessageBody = z.object({
  from: z.string().min(1, 'is required'),
  text: z.string().trim().min(1, 'must not be empty').max(MAX_MESSAGE_LENGTH),
  /** Optional: the platform message id, to show that a repeated delivery is dropped. */
  messageId: z.string().min(1).max(128).optional(),
});

const cardActionBody = z.object({
  userId: z.string().min(1, 'is required'),
  key: z.enum(CARD_ACTIONS),
  note: z.string().max(1000).optional(),
  /** 改派 only. */
  reroute: z.object({ leadPost: z.string().min(1), assistPosts: z.array(z.string().min(1)).max(10).optional() }).optional(),
});

const CASE_NUMBER = /[A-Z]-\d{8}-\d{4}/;

/**
 * The answers a resident can give a bot message with one tap: the resolution notice (【已办结】) asks 满意 /
 * 不满意. The sandbox shows them as buttons that post the reply as the chosen member, the way a resident
 * would type it, so it goes through the same intake as a typed answer.
 */
export function quickRepliesFor(text: string): string[] {
  const number = text.startsWith('【已办结】') ? CASE_NUMBER.exec(text)?.[0] : undefined;
  return number ? [`${number} 满意`, `${number} 不满意`] : [];
}

const conversationQuery = z.object({ limit: queryInt({ min: 1, max: 500, default: 200 }) });

/** Mounted under /sandbox, behind the admin token. */
export function sandboxRoutes(routes: RouteGroup, context: HandlerContext, delivery: SandboxDelivery): RouteGroup {
  const { read } = context.db;
  const { router } = routes;

  const sandboxGroup = async (id: string): Promise<ChatGroup> => {
    const group = await read.findOneBy(ChatGroup, { id, platform: SANDBOX_PLATFORM });
    if (!group) throw notFound(`sandbox group ${id} does not exist`);
    return group;
  };

  router.get('/groups', async (ctx) => {
    const groups = await groupsWithMembers(read, SANDBOX_PLATFORM, [...context.taxonomy.posts.keys()]);
    ctx.body = {
      groups: groups.map(({ group, members }) => ({
        id: group.id,
        name: group.name,
        kind: group.kind,
        post: group.postCode,
        orgUnit: group.orgUnitCode,
        members: members.map(({ person, posts }) => ({ userId: person.platformUserId, name: person.name, posts })),
      })),
    };
  });

  /** Who may post where, remembered once checked: sandbox groups and their members are never removed. */
  const checkedMembers = new Map<string, { group: ChatGroup; sender: Person }>();
  const sandboxMember = async (groupId: string, userId: string) => {
    const key = `${groupId}\n${userId}`;
    const checked = checkedMembers.get(key);
    if (checked) return checked;
    const group = await sandboxGroup(groupId);
    const sender = await read.findOneBy(Person, { platform: SANDBOX_PLATFORM, platformUserId: userId });
    const isMember = sender && (await read.existsBy(GroupMember, { groupId: group.id, personId: sender.id }));
    if (!sender || !isMember) throw invalid(`"from": ${userId} is not a member of ${group.name}`);
    checkedMembers.set(key, { group, sender });
    return { group, sender };
  };

  router.post('/groups/:id/messages', async (ctx) => {
    const body = parseInput(postMessageBody, ctx.request.body, 'message body');
    const { group, sender } = await sandboxMember(ctx.params.id, body.from);
    const result = await ingestMessage(
      {
        platform: SANDBOX_PLATFORM,
        platformMessageId: body.messageId ?? randomUUID(),
        chatId: group.platformChatId,
        chatName: group.name,
        sender: { userId: sender.platformUserId, name: sender.name },
        text: body.text,
      },
      context,
    );
    ctx.status = 202;
    ctx.body = result;
  });

  router.get('/groups/:id/messages', async (ctx) => {
    const { limit } = parseInput(conversationQuery, ctx.query, 'query');
    const group = await sandboxGroup(ctx.params.id);
    const entries = await groupConversation(read, group.id, limit);
    const cards = await loadCardViews(read, entries.flatMap((e) => (e.kind === 'bot' && e.card ? [e.card] : [])), context);
    ctx.body = {
      messages: entries.map((entry) =>
        entry.kind === 'person'
          ? { id: entry.message.id, from: entry.sender.platformUserId, fromName: entry.sender.name, text: entry.message.text, at: entry.message.receivedAt.toISOString(), card: null }
          : {
              id: entry.message.id, from: 'bot', fromName: 'bot', text: entry.message.text, at: entry.message.createdAt.toISOString(),
              card: entry.message.cardId ? cards.get(entry.message.cardId) ?? null : null,
              quickReplies: group.kind === 'resident' ? quickRepliesFor(entry.message.text) : [],
            },
      ),
    };
  });

  /** The posts a case can be re-routed (改派) to. */
  router.get('/posts', (ctx) => {
    ctx.body = { posts: context.taxonomy.data.posts.map((post) => ({ code: post.code, name: post.name })) };
  });

  router.post('/cards/:id/actions', async (ctx) => {
    const body = parseInput(cardActionBody, ctx.request.body, 'action body');
    const outcome = await actOnCard(
      { platform: SANDBOX_PLATFORM, cardId: ctx.params.id, userId: body.userId, action: body.key, note: body.note, reroute: body.reroute },
      context,
    );
    const [incident] = await summarise(read, [outcome.incident], context.clock());
    ctx.body = { card: outcome.card, incident, changed: outcome.changed };
  });

  /** Makes the next deliveries fail, to watch retries and the command-centre notice on the page. */
  router.post('/faults', async (ctx) => {
    const body = parseInput(
      z.object({ failDeliveries: z.number().int().min(0).max(1000), groupId: z.string().optional() }),
      ctx.request.body,
      'fault body',
    );
    const group = body.groupId ? await sandboxGroup(body.groupId) : null;
    delivery.injectFailures(body.failDeliveries, group?.platformChatId ?? null);
    ctx.body = body;
  });

  return routes;
}
