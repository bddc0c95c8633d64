// The sandbox platform's HTTP side: list groups and members, post a message (with photos and a location) as
// any member, read a group's conversation with its cards and photos, and click card buttons as a worker. Parses
// and validates like a platform adapter, then calls the same handlers WeCom and DingTalk will call.
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { actOnCard } from '../../handlers/incidents/actOnCard';
import { decideTriage, loadTriageView } from '../../handlers/intake/triage';
import { actOnVisitTask, loadVisitTaskView } from '../../handlers/fraud/visitTasks';
import { loadDailyTasksView, tickDailyTask } from '../../handlers/grid/dailyTasks';
import { loadCardViews, type PhotoUrl } from '../../handlers/delivery/cardView';
import { invalid, notFound } from '../../handlers/errors';
import { CARD_ACTIONS } from '../../handlers/incidents/incidentStateMachine';
import { MEDIA_TYPE } from '../../handlers/intake/attachmentPath';
import { ingestMessage, MAX_MESSAGE_LENGTH } from '../../handlers/intake/ingestMessage';
import { locationFault, MAX_LOCATION_NAME_LENGTH } from '../../handlers/intake/messageLocation';
import type { AttachmentFiles } from '../../storage/attachmentFiles';
import { ChatGroup, DailyTaskList, GroupMember, OrgUnit, Person, VISIT_OUTCOMES, VisitTask, type VisitOutcome } from '../../storage/entities';
import { attachmentToServe, type AttachmentItem } from '../../storage/queries/attachmentViews';
import { groupConversation, groupsWithMembers } from '../../storage/queries/conversations';
import { summarise } from '../../storage/queries/incidentViews';
import type { AttachmentKind } from '../../handlers/events';
import { serveStoredAttachment } from '../http/attachmentRoutes';
import type { RouteGroup, Routers } from '../http/routers';
import { parseInput, queryInt } from '../http/validate';
import { SANDBOX_PLATFORM, type SandboxDelivery } from './sandboxDelivery';
import type { SandboxMedia } from './sandboxMedia';

/** Photos a sandbox post may carry: few and small, since they travel inside the JSON body. */
export const MAX_SANDBOX_ATTACHMENTS = 3;
export const MAX_SANDBOX_ATTACHMENT_BYTES = 2 * 1024 * 1024;
/** The JSON body limit of the post route: three attachments at their largest in base64 (4 characters per 3 bytes) and the text. */
const SANDBOX_POST_LIMIT = '9mb';

/** Standard base64, padded: Buffer.from would silently skip anything else and store something other than was sent. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const attachmentBody = z.object({
  name: z.string().trim().min(1, 'is required').max(255),
  contentType: z.string().trim().toLowerCase().max(128).regex(MEDIA_TYPE, 'must be a media type such as image/jpeg'),
  dataBase64: z
    .string()
    .min(1, 'is empty')
    .max(Math.ceil(MAX_SANDBOX_ATTACHMENT_BYTES / 3) * 4, `is over ${MAX_SANDBOX_ATTACHMENT_BYTES / 1024 / 1024} MB`)
    .refine((data) => data.length % 4 === 0 && BASE64.test(data), 'is not base64 (standard alphabet, padded with =)')
    .transform((data) => Buffer.from(data, 'base64'))
    .refine((bytes) => bytes.length <= MAX_SANDBOX_ATTACHMENT_BYTES, `is over ${MAX_SANDBOX_ATTACHMENT_BYTES / 1024 / 1024} MB once decoded`),
});

/** A place picked on the page ("桂香苑8栋"), or a point, or both; the rules are intake's (messageLocation.ts). */
const locationBody = z
  .object({
    name: z.string().trim().max(MAX_LOCATION_NAME_LENGTH, `is over ${MAX_LOCATION_NAME_LENGTH} characters`).optional().transform((name) => name || undefined),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
  })
  .superRefine((location, issues) => {
    const fault = locationFault(location);
    if (fault) issues.addIssue({ code: 'custom', message: fault });
  });

const postMessageBody = z
  .object({
    from: z.string().min(1, 'is required'),
    text: z.string().trim().max(MAX_MESSAGE_LENGTH).default(''),
    /** Optional: the platform message id, to show that a repeated delivery is dropped. */
    messageId: z.string().min(1).max(128).optional(),
    /** Optional: photos (随手拍) or files sent with the message. */
    attachments: z.array(attachmentBody).max(MAX_SANDBOX_ATTACHMENTS, `at most ${MAX_SANDBOX_ATTACHMENTS} attachments`).optional(),
    /** Optional: where the sender is (随手拍). A message that is only a named location needs no text. */
    location: locationBody.optional(),
  })
  .superRefine((body, issues) => {
    if (!body.text && !body.location?.name) issues.addIssue({ code: 'custom', path: ['text'], message: 'must not be empty (unless a location with a name is sent)' });
  });

/** Photos on the sandbox page come from the sandbox's own route, which serves only its images. */
const sandboxPhotoUrl: PhotoUrl = (id) => `/sandbox/attachments/${encodeURIComponent(id)}`;

/** A message's attachments as the page shows them: stored images with where to fetch them, the rest by name. */
function shownAttachments(attachments: AttachmentItem[]) {
  return attachments.map((a) => ({
    id: a.id, kind: a.kind, status: a.status, fileName: a.fileName,
    url: a.kind === 'image' && a.status === 'stored' ? sandboxPhotoUrl(a.id) : null,
  }));
}

/** What a platform would call the file, from its media type. */
function kindOf(contentType: string): AttachmentKind {
  if (contentType.startsWith('image/')) return 'image';
  if (contentType.startsWith('video/')) return 'video';
  if (contentType.startsWith('audio/')) return 'voice';
  return 'file';
}

/** The location stored with a message, or null. */
function messageLocation(message: { locationName: string | null; latitude: number | null; longitude: number | null }) {
  if (message.locationName === null && message.latitude === null) return null;
  return { name: message.locationName, latitude: message.latitude, longitude: message.longitude };
}

const cardActionBody = z.object({
  userId: z.string().min(1, 'is required'),
  key: z.enum(CARD_ACTIONS),
  note: z.string().max(1000).optional(),
  /** 改派 only. */
  reroute: z
    .object({ leadPost: z.string().min(1).optional(), assistPosts: z.array(z.string().min(1)).max(10).optional(), category: z.string().min(1).max(64).optional() })
    .refine((r) => r.leadPost || r.category, 'needs "leadPost" or "category"')
    .optional(),
});

const triageActionBody = z.object({
  userId: z.string().min(1, 'is required'),
  decision: z.enum(['file', 'ignore']),
  /** 立案 only: the taxonomy code to open the case with. */
  category: z.string().min(1).max(64).optional(),
});

const visitTaskActionBody = z.object({
  userId: z.string().min(1, 'is required'),
  action: z.enum(['take', 'done']),
  /** 完成 only: what the rider found. */
  outcome: z.enum(VISIT_OUTCOMES as [VisitOutcome, ...VisitOutcome[]]).optional(),
  note: z.string().max(1000).optional(),
});

const dailyTaskTickBody = z.object({
  userId: z.string().min(1, 'is required'),
  /** The item's number on the list, 1..n. */
  item: z.number().int().min(1).max(100),
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

/**
 * Mounted under /sandbox, behind the admin token. Two routers: posting a message takes bodies up to
 * SANDBOX_POST_LIMIT (photos ride in the JSON), every other route the usual limit.
 */
export function sandboxRoutes(routers: Routers, context: HandlerContext, delivery: SandboxDelivery, media: SandboxMedia, files: AttachmentFiles): RouteGroup[] {
  const { read } = context.db;
  const routes = routers.admin('/sandbox');
  const posting = routers.admin('/sandbox', { jsonLimit: SANDBOX_POST_LIMIT });
  const { router } = routes;

  const sandboxGroup = async (id: string): Promise<ChatGroup> => {
    const group = await read.findOneBy(ChatGroup, { id, platform: SANDBOX_PLATFORM });
    if (!group) throw notFound(`sandbox group ${id} does not exist`);
    return group;
  };

  router.get('/groups', async (ctx) => {
    const groups = await groupsWithMembers(read, SANDBOX_PLATFORM, [...context.taxonomy.posts.keys()]);
    // The page shows names, never codes: the Chinese names of the posts, categories and org units beside the codes.
    const orgUnitNames = Object.fromEntries((await read.find(OrgUnit)).map((unit) => [unit.code, unit.name]));
    const postName = (code: string) => context.taxonomy.posts.get(code)?.name ?? code;
    ctx.body = {
      groups: groups.map(({ group, members }) => ({
        id: group.id,
        name: group.name,
        kind: group.kind,
        post: group.postCode,
        postName: group.postCode ? postName(group.postCode) : null,
        orgUnit: group.orgUnitCode,
        orgUnitName: group.orgUnitCode ? orgUnitNames[group.orgUnitCode] ?? null : null,
        members: members.map(({ person, posts }) => ({ userId: person.platformUserId, name: person.name, posts, postNames: posts.map(postName) })),
      })),
      names: {
        posts: Object.fromEntries(context.taxonomy.data.posts.map((post) => [post.code, post.name])),
        categories: Object.fromEntries([...context.taxonomy.data.categories, ...context.taxonomy.data.non_incidents].map((category) => [category.code, category.name])),
        orgUnits: orgUnitNames,
      },
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

  posting.router.post('/groups/:id/messages', async (ctx) => {
    const body = parseInput(postMessageBody, ctx.request.body, 'message body');
    const { group, sender } = await sandboxMember(ctx.params.id, body.from);
    // Kept as a platform keeps an upload, named in the event by ref only; the job downloads them later.
    const uploads = body.attachments ?? [];
    const refs = uploads.map((file) => media.keep({ bytes: file.dataBase64, contentType: file.contentType, fileName: file.name }));
    let result: Awaited<ReturnType<typeof ingestMessage>>;
    try {
      result = await ingestMessage(
        {
          platform: SANDBOX_PLATFORM,
          platformMessageId: body.messageId ?? randomUUID(),
          chatId: group.platformChatId,
          chatName: group.name,
          sender: { userId: sender.platformUserId, name: sender.name },
          text: body.text,
          ...(uploads.length ? { attachments: uploads.map((file, i) => ({ kind: kindOf(file.contentType), ref: refs[i], fileName: file.name })) } : {}),
          ...(body.location ? { location: body.location } : {}),
        },
        context,
      );
    } catch (error) {
      media.forget(refs);
      throw error;
    }
    // The first delivery's attachments are the message's; this one's copies are never downloaded.
    if (result.duplicate) media.forget(refs);
    ctx.status = 202;
    ctx.body = result;
  });

  router.get('/groups/:id/messages', async (ctx) => {
    const { limit } = parseInput(conversationQuery, ctx.query, 'query');
    const group = await sandboxGroup(ctx.params.id);
    const entries = await groupConversation(read, group.id, limit);
    const cards = await loadCardViews(read, entries.flatMap((e) => (e.kind === 'bot' && e.card ? [e.card] : [])), context, sandboxPhotoUrl);
    const triage = new Map(
      await Promise.all(entries.flatMap((e) => (e.kind === 'bot' && e.triage ? [e.triage] : [])).map(async (item) => [item.id, await loadTriageView(context, item)] as const)),
    );
    const visitTaskIds = entries.flatMap((e) => (e.kind === 'bot' && e.message.kind === 'visit_task_card' && e.message.cardId ? [e.message.cardId] : []));
    const visitTasks = new Map(
      await Promise.all((visitTaskIds.length ? await read.findBy(VisitTask, { id: In(visitTaskIds) }) : []).map(async (task) => [task.id, await loadVisitTaskView(context, task)] as const)),
    );
    const dailyTaskIds = entries.flatMap((e) => (e.kind === 'bot' && e.message.kind === 'daily_tasks_card' && e.message.cardId ? [e.message.cardId] : []));
    const dailyTasks = new Map(
      await Promise.all((dailyTaskIds.length ? await read.findBy(DailyTaskList, { id: In(dailyTaskIds) }) : []).map(async (list) => [list.id, await loadDailyTasksView(context, list)] as const)),
    );
    ctx.body = {
      messages: entries.map((entry) =>
        entry.kind === 'person'
          ? {
              id: entry.message.id, from: entry.sender.platformUserId, fromName: entry.sender.name, text: entry.message.text, at: entry.message.receivedAt.toISOString(), card: null,
              attachments: shownAttachments(entry.attachments),
              location: messageLocation(entry.message),
            }
          : {
              id: entry.message.id, from: 'bot', fromName: 'bot', text: entry.message.text, at: entry.message.createdAt.toISOString(),
              card: entry.message.cardId ? cards.get(entry.message.cardId) ?? triage.get(entry.message.cardId) ?? visitTasks.get(entry.message.cardId) ?? dailyTasks.get(entry.message.cardId) ?? null : null,
              quickReplies: group.kind === 'resident' ? quickRepliesFor(entry.message.text) : [],
            },
      ),
    };
  });

  /**
   * A photo of a sandbox message, for the page's <img>: behind the admin token like every sandbox route (the
   * page fetches it with the token when one is set). Only the sandbox's own images: a WeCom resident's photo
   * or a file is not served here (the admin API serves those).
   */
  router.get('/attachments/:id', async (ctx) => {
    const { id } = ctx.params;
    const attachment = await attachmentToServe(read, id);
    const isSandboxImage = attachment?.platform === SANDBOX_PLATFORM && attachment.kind === 'image' && (attachment.contentType ?? 'image/').startsWith('image/');
    if (!attachment || !isSandboxImage) throw notFound(`sandbox photo ${id} does not exist`);
    await serveStoredAttachment(ctx, attachment, files);
  });

  /** The posts a case can be re-routed (改派) to, and the categories it can be corrected to (改类). */
  router.get('/posts', (ctx) => {
    ctx.body = {
      posts: context.taxonomy.data.posts.map((post) => ({ code: post.code, name: post.name })),
      // 改类: the categories a case can be corrected to (its posts then default to the category's).
      categories: context.taxonomy.data.categories.map((category) => ({ code: category.code, name: category.name })),
    };
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

  router.post('/triage/:id/actions', async (ctx) => {
    const body = parseInput(triageActionBody, ctx.request.body, 'triage action body');
    const outcome = await decideTriage({ platform: SANDBOX_PLATFORM, triageId: ctx.params.id, userId: body.userId, decision: body.decision, category: body.category }, context);
    ctx.body = outcome;
  });

  /** 接单 / 完成 on a 上门 task's card, as a rider of the riders' group. */
  router.post('/visit-tasks/:id/actions', async (ctx) => {
    const body = parseInput(visitTaskActionBody, ctx.request.body, 'visit task action body');
    const outcome = await actOnVisitTask(
      { platform: SANDBOX_PLATFORM, taskId: ctx.params.id, userId: body.userId, action: body.action, outcome: body.outcome, note: body.note },
      context,
    );
    ctx.body = { card: outcome.card, changed: outcome.changed };
  });

  /** 打勾 on an item of a grid worker's 6+1 list, as that worker. */
  router.post('/daily-tasks/:id/actions', async (ctx) => {
    const body = parseInput(dailyTaskTickBody, ctx.request.body, 'daily task tick body');
    const outcome = await tickDailyTask({ platform: SANDBOX_PLATFORM, listId: ctx.params.id, userId: body.userId, position: body.item }, context);
    ctx.body = { card: outcome.card, changed: outcome.changed };
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

  return [routes, posting];
}
