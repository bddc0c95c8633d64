// The platform-neutral shapes at the seam: adapters turn WeCom / DingTalk / sandbox payloads into these
// inbound events, and deliver the outbound texts and cards handlers produce. Handlers see nothing else.
import type { AssignmentStatus, CardAction } from './incidents/incidentStateMachine';
import type { VisitOutcome, VisitTaskStatus } from '../storage/entities';

export interface InboundMessageEvent {
  platform: string;
  /** The platform's own message id; a repeat delivery of the same id is dropped. */
  platformMessageId: string;
  chatId: string;
  chatName?: string;
  sender: { userId: string; name: string };
  text: string;
  /**
   * The platform's handle for answering this very message, opaque to handlers (WeCom: a one-shot
   * response_url and a stream). Stored with the message; the adapter gets it back with each reply to it.
   */
  replyRef?: string;
  /**
   * Photos and files sent with the message (随手拍), named only: the adapter answers its webhook without
   * downloading them, and the fetchAttachments job fetches each through the adapter's `media` afterwards.
   * At most MAX_ATTACHMENTS (handlers/intake/attachments.ts) are kept; more are cut with a log line.
   */
  attachments?: InboundAttachment[];
  /**
   * Where the sender says they are (a shared location, a place picked in the sandbox): a name, a point, or
   * both. Checked by intake (handlers/intake/messageLocation.ts): one out of range is dropped with a log line.
   */
  location?: InboundLocation;
}

/** A place sent with a message: at least a name (≤ 100 characters) or both coordinates (degrees, as the platform gives them). */
export interface InboundLocation {
  name?: string;
  latitude?: number;
  longitude?: number;
}

export type AttachmentKind = 'image' | 'file' | 'video' | 'voice';

export interface InboundAttachment {
  kind: AttachmentKind;
  /** The platform's handle to download it (a WeCom media id, an encrypted URL), opaque; at most 1024 characters. */
  ref: string;
  fileName?: string;
}

export interface CardActionEvent {
  platform: string;
  cardId: string;
  /** The platform user who clicked. */
  userId: string;
  action: CardAction;
  note?: string;
  /**
   * 改派 only: the post to lead the case now, and any posts to assist it; with `category` also 改类: the case
   * becomes that category (its posts default to the category's), and the correction is kept as a label.
   */
  reroute?: { leadPost?: string; assistPosts?: string[]; category?: string };
  /** The click's own handle for updating the card (WeCom's single-use ResponseCode); replaces the stored one. */
  replyRef?: string;
}

export type UrgencyColour = 'red' | 'orange' | 'blue';

/** A dispatch card as handlers describe it; each adapter renders it in its platform's card format. */
export interface CardView {
  kind: 'dispatch';
  id: string;
  incidentId: string;
  incidentNumber: string;
  title: string;
  /** 主办 or 协办 */
  role: 'lead' | 'assist';
  roleLabel: string;
  post: string;
  postName: string;
  /** A watch copy (the command centre's, of a red case's lead card): the post's members were sent their own. */
  watching: boolean;
  urgency: 'critical' | 'high' | 'normal';
  colour: UrgencyColour;
  fields: { label: string; value: string }[];
  state: AssignmentStatus;
  /** Who did what last, e.g. "潘伟 已接单 11-24 09:12". */
  statusLine: string;
  /** needsNote: the button asks for a reason or what was done; choosesPosts: 改派 asks for the posts. */
  buttons: { key: CardAction; text: string; needsNote: boolean; choosesPosts?: boolean }[];
  /**
   * The report's photos (随手拍) stored so far, in the order sent; `url` is where the viewer fetches one (the
   * admin API's by default, the sandbox's own on its page). A platform without images says how many.
   */
  photos: { id: string; url: string }[];
}

/** 立案 (open the case, choosing its category) or 忽略 (nothing to do; recorded). */
export type TriageDecision = 'file' | 'ignore';

/**
 * A triage card (可能需要上报): a resident's message the classifiers could not decide, before the grid worker
 * with the best guesses, to be filed as an incident or ignored.
 */
export interface TriageView {
  kind: 'triage';
  id: string;
  title: string;
  /** The resident's words, who, where, when. */
  text: string;
  reporterName: string;
  groupName: string;
  receivedAt: string;
  /** Best first; the chooser of 立案 offers these first, then every other category. */
  guesses: { category: string; name: string; confidence: number }[];
  categories: { code: string; name: string }[];
  state: 'open' | 'filed' | 'ignored';
  statusLine: string;
  buttons: { key: TriageDecision; text: string; choosesCategory: boolean }[];
}

export interface TriageDecisionEvent {
  platform: string;
  triageId: string;
  userId: string;
  decision: TriageDecision;
  /** 立案 only: the category to open the case with. */
  category?: string;
  replyRef?: string;
}

/** 接单 (take the task) or 完成 (report it done, with its outcome). */
export type VisitTaskAction = 'take' | 'done';

/**
 * A door-to-door task card (上门劝阻) in the riders' group: a household police want visited by a time. Any
 * rider volunteer takes it (接单) while it is offered; only the rider who took it reports it done (完成).
 */
export interface VisitTaskView {
  kind: 'visit_task';
  id: string;
  number: string;
  title: string;
  address: string;
  reason: string;
  /** The by-when, local time. */
  dueAt: string;
  /** Past its by-when and still open, as of the card's last update. */
  overdue: boolean;
  fields: { label: string; value: string }[];
  state: VisitTaskStatus;
  takerName: string | null;
  outcome: { code: VisitOutcome; name: string } | null;
  note: string | null;
  statusLine: string;
  /** What 完成 asks to choose from. */
  outcomes: { code: VisitOutcome; name: string }[];
  buttons: { key: VisitTaskAction; text: string; choosesOutcome: boolean }[];
}

export interface VisitTaskActionEvent {
  platform: string;
  taskId: string;
  /** The platform user who clicked. */
  userId: string;
  action: VisitTaskAction;
  /** 完成 only. */
  outcome?: VisitOutcome;
  note?: string;
  /** The click's own handle for updating the card, as for a dispatch card. */
  replyRef?: string;
}

/** Any card a platform shows: adapters render each kind their own way. */
export type DeliverableCard = CardView | TriageView | VisitTaskView | DailyTasksView;

/** A grid worker's 6+1 任务清单 for the day: a checklist only that worker ticks (no platform buttons; the sandbox ticks). */
export interface DailyTasksView {
  kind: 'daily_tasks';
  id: string;
  title: string;
  workerName: string;
  /** The worker's platform user id: the one who may tick. */
  workerUserId: string;
  day: string;
  fields: { label: string; value: string }[];
  items: { position: number; title: string; done: boolean; doneAt: string | null }[];
  statusLine: string;
}

export interface ChatTarget {
  platform: string;
  chatId: string;
  name: string;
  /** The post whose worker group this is, if it is one: a platform that cannot post into the group reaches its members. */
  post?: string;
}

/**
 * The message a text answers (a receipt, an answer to a question), or for a later notice about a case, the
 * report that opened it: for platforms that answer through the message's own handle while it lasts.
 */
export interface ReplyTo {
  /** The handle the adapter gave with the inbound message, or null. */
  replyRef: string | null;
  receivedAt: Date;
  /** true: this text is the answer to that message; false: a later notice in the same chat about its case. */
  direct: boolean;
}

/** What a platform adapter must do for handlers: deliver texts and cards, and update a card in place. */
export interface ChatDelivery {
  readonly platform: string;
  /** The platform's limit on the bot's messages into one chat per minute, if it has one. */
  readonly sendsPerMinutePerChat?: number;
  /** Whether replies need the inbound message's handle (`replyTo`); the others are spared reading it. */
  readonly answersThroughHandles?: boolean;
  sendText(target: ChatTarget, text: string, replyTo?: ReplyTo): Promise<void>;
  /** Returns the platform's handle for the card (needed to update it), or null if it has none. */
  sendCard(target: ChatTarget, card: DeliverableCard): Promise<string | null>;
  /**
   * Returns the handle to keep for the next update: the same one, a fresh one, or null when the handle was
   * single-use and is now spent (WeCom's ResponseCode).
   */
  updateCard(target: ChatTarget, card: DeliverableCard, platformRef: string | null): Promise<string | null>;
}

/**
 * An adapter throws this when the platform will take the message in its own time rather than now: WeCom's
 * bot collects a receipt in the stream it keeps polling. The delivery waits (status retrying) until `until`
 * and is then sent the usual way if nothing took it meanwhile (handlers/delivery/waitingReplies.ts).
 */
export class DeliveryDeferred extends Error {
  override name = 'DeliveryDeferred';
  constructor(readonly until: Date, reason: string) {
    super(reason);
  }
}

/**
 * An adapter throws this when the platform refused a message for good (a malformed request, the bot removed
 * from the chat): retrying cannot help. Anything else an adapter throws is taken as the platform being
 * unreachable for now, and the message waits it out (see handlers/deliveryRetries.ts).
 */
export class DeliveryRefused extends Error {
  override name = 'DeliveryRefused';
}

/** What deliverOutbound throws when the adapter failed for any reason but a refusal. */
export class PlatformUnreachable extends Error {
  override name = 'PlatformUnreachable';
  constructor(platform: string, cause: unknown) {
    super(`${platform} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
