// WeCom's delivery side: which channel carries what (README "WeCom: which channel for what").
// - A receipt to a bot message: collected by WeCom's stream poll (callback mode), else the message's
//   one-shot response_url within its hour, else the chat's standing channel.
// - A text to a chat: a push over the bot's long connection (ws mode); else the group robot webhook
//   configured for it (WECOM_ROBOT_KEYS); else, for a post's worker group, the app's message/send to each of
//   the post's members; a 1:1 app chat through the app's message/send.
// - A dispatch card: in ws mode the bot pushes the button card into the post's worker group, and answers a
//   click's frame with the updated card; otherwise the self-built app sends it 1:1 to each WeCom member of
//   the post (an app cannot put a card into a group, §10) and a click's ResponseCode updates it for all, once.
// A refusal WeCom will repeat (bad key, IP not trusted, no channel at all) is a DeliveryRefused, which lands
// in the command centre and /healthz; anything else is retried.
import type { ChatDelivery, ChatTarget, DailyTasksView, DeliverableCard, ReplyTo } from '../../handlers/events';
import { DeliveryDeferred, DeliveryRefused } from '../../handlers/events';
import { WecomApiError, type WecomApi } from './apiClient';
import { WECOM_PLATFORM, parseChatKey, type WecomChat } from './chats';
import { cardHandle, readCardHandle, readMessageHandle } from './replyHandles';
import { buttonCard, cardMarkdown, finishedButtonText, triageButtonCard, visitFinishedText, visitTaskButtonCard } from './templateCard';
import { triageAsText } from '../../handlers/delivery/triageView';
import { visitTaskAsText } from '../../handlers/delivery/visitTaskView';
import { dailyTasksAsText } from '../../handlers/delivery/dailyTasksView';
import type { BotPush } from './wsConnection';

/** WeCom polls a stream for at most 6 minutes from the user's message (§4.1); a little longer and it has given up. */
export const STREAM_HOLD_MS = 6 * 60_000 + 10_000;
/** response_url is good for an hour (§4.4); a margin for the send itself. */
const RESPONSE_URL_TTL_MS = 55 * 60_000;
/** WeCom takes a card update as the answer to a click for 5 seconds; a margin for the send. */
const CLICK_ANSWER_WINDOW_MS = 4_500;

export interface WecomChannels {
  /** The self-built app's API (message/send, update_template_card), or null when no app is configured. */
  app: WecomApi | null;
  /** Calls that need no app token: robot webhooks, response_url. */
  api: WecomApi;
  /** The bot's long connection (ws mode), or null in callback mode. */
  bot: BotPush | null;
  robotKeys: ReadonlyMap<string, string>;
  /** The WeCom user ids holding a post, the recipients of its cards. */
  postMembers(postCode: string): Promise<string[]>;
  clock: () => Date;
}

export class WecomDelivery implements ChatDelivery {
  readonly platform = WECOM_PLATFORM;
  /** The group robot's limit, the tightest of WeCom's channels (bot and app allow 30 a minute). */
  readonly sendsPerMinutePerChat = 20;
  readonly answersThroughHandles = true;

  constructor(private readonly channels: WecomChannels) {}

  async sendText(target: ChatTarget, text: string, replyTo?: ReplyTo): Promise<void> {
    const handle = replyTo && readMessageHandle(replyTo.replyRef);
    if (replyTo && handle) {
      const age = this.channels.clock().getTime() - replyTo.receivedAt.getTime();
      // Only the answer itself waits for the stream poll; a later notice about the case goes now.
      if (handle.stream && replyTo.direct && age < STREAM_HOLD_MS) {
        throw new DeliveryDeferred(new Date(replyTo.receivedAt.getTime() + STREAM_HOLD_MS), 'waiting for WeCom to collect the reply in its stream');
      }
      if (handle.responseUrl && age < RESPONSE_URL_TTL_MS) {
        const sent = await this.refusalAs(false, () => this.channels.api.respondVia(handle.responseUrl!, { msgtype: 'markdown', markdown: { content: text } }));
        if (sent) return;
      }
    }
    await this.sendToChat(parseChatKey(target.chatId), target, text);
  }

  async sendCard(target: ChatTarget, card: DeliverableCard): Promise<string | null> {
    // A 6+1 list is ticked in the sandbox, not on WeCom: the chat gets it as markdown, with no handle to update.
    if (card.kind === 'daily_tasks') {
      await this.sendToChat(parseChatKey(target.chatId), target, dailyTasksAsText(card), 'markdown');
      return null;
    }
    return this.sendButtonCard(target, card, card.id);
  }

  async updateCard(target: ChatTarget, card: DeliverableCard, platformRef: string | null): Promise<string | null> {
    const { app, bot, clock } = this.channels;
    if (card.kind === 'daily_tasks') return platformRef; // sent as text: it cannot change
    const handle = readCardHandle(platformRef);
    if (!handle) return platformRef; // a card sent as text cannot change; the next notice says what happened
    if (handle.frame && bot && clock().getTime() - handle.frame.at < CLICK_ANSWER_WINDOW_MS) {
      try {
        await bot.updateCard(handle.frame.reqId, renderCard(card, handle.taskId));
        return cardHandle({ taskId: handle.taskId, responseCode: null });
      } catch (error) {
        // Too late or refused: the click's window cannot be waited for, so a fresh card goes below.
        void error;
      }
    }
    if (handle.responseCode && app) {
      const userids = await this.recipients(card, target);
      const body = card.buttons.length
        ? { userids, response_code: handle.responseCode, template_card: renderCard(card, handle.taskId) }
        : { userids, response_code: handle.responseCode, button: { replace_name: finishedText(card) } };
      const updated = await this.refusalAs(false, () => app.updateTemplateCard(body));
      if (updated) return cardHandle({ taskId: handle.taskId, responseCode: null });
    }
    // No way left to change the card in place (the update was not caused by a click, or the click's code or
    // window is spent): one that still has buttons is sent afresh under a new task id; one with none left
    // keeps what it shows, and the notices say what happened.
    if (!card.buttons.length) return cardHandle({ taskId: handle.taskId, responseCode: null });
    return this.sendButtonCard(target, card, nextTaskId(handle.taskId));
  }

  private async sendButtonCard(target: ChatTarget, card: ButtonCardView, taskId: string): Promise<string | null> {
    const { app, bot } = this.channels;
    const chat = parseChatKey(target.chatId);
    if (bot && chat.kind === 'group') {
      await bot.send(chat.chatId, { msgtype: 'template_card', template_card: renderCard(card, taskId) });
      return cardHandle({ taskId, responseCode: null });
    }
    // Without the app there is no 1:1 card; a watch copy's post members already have theirs; a 上门 task is for
    // the riders' group, which holds no post to send it to 1:1: the chat gets it as text, and the notices
    // that follow each change say what happened.
    if (!app || (card.kind === 'dispatch' && card.watching) || card.kind === 'visit_task') {
      await this.sendToChat(chat, target, cardText(card), 'markdown');
      return null;
    }
    const touser = (await this.recipients(card, target)).join('|');
    const sent = await this.refusalAs(true, () => app.sendAppMessage({ touser, msgtype: 'template_card', template_card: renderCard(card, taskId) }));
    return cardHandle({ taskId, responseCode: sent?.response_code ?? null });
  }

  /** Who gets a card 1:1: the members of the card's post (a dispatch card) or of the group's post (triage). */
  private async recipients(card: DeliverableCard, target: ChatTarget): Promise<string[]> {
    const post = card.kind === 'dispatch' ? card.post : card.kind === 'triage' ? target.post : undefined;
    if (!post) throw new DeliveryRefused(`WeCom: the ${card.kind === 'triage' ? 'triage' : '上门 task'} card's group ${target.name} is bound to no post, so nobody can be sent it 1:1`);
    const members = await this.channels.postMembers(post);
    if (!members.length) {
      throw new DeliveryRefused(`WeCom: post ${post} has no WeCom members to send its card to; add them with PUT /api/posts/${post}/members/wecom/<userid>`);
    }
    return members;
  }

  private async sendToChat(chat: WecomChat, target: ChatTarget, text: string, format: 'text' | 'markdown' = 'text'): Promise<void> {
    const { app, api, bot, robotKeys } = this.channels;
    if (bot && chat.kind !== 'app_single') {
      await bot.send(chat.kind === 'group' ? chat.chatId : chat.userId, { msgtype: 'markdown', markdown: { content: text } });
      return;
    }
    if (chat.kind === 'group') {
      const key = robotKeys.get(chat.chatId);
      if (!key && app && target.post) {
        // A post's worker group the bot cannot post into: its members hear it 1:1 from the app, like its cards.
        const members = await this.channels.postMembers(target.post);
        if (members.length) {
          await this.refusalAs(true, () => app.sendAppMessage({ touser: members.join('|'), msgtype: format, [format]: { content: text } }));
          return;
        }
      }
      if (!key) {
        throw new DeliveryRefused(`WeCom: no channel reaches group ${target.name} (${chat.chatId}) outside a reply: give it a group robot in WECOM_ROBOT_KEYS, or run the bot with WECOM_BOT_MODE=ws`);
      }
      const body = format === 'markdown' ? { msgtype: 'markdown', markdown: { content: text } } : { msgtype: 'text', text: { content: text } };
      await this.refusalAs(true, () => api.robotSend(key, body));
      return;
    }
    if (!app) throw new DeliveryRefused(`WeCom: 1:1 messages to ${chat.userId} need the self-built app (WECOM_CORP_ID …)`);
    await this.refusalAs(true, () => app.sendAppMessage({ touser: chat.userId, msgtype: 'text', text: { content: text } }));
  }

  /**
   * Runs a WeCom call. A permanent WeCom error becomes a refusal when `mustSucceed`, or `null` (so the caller
   * tries its next channel) when not; anything else propagates and the delivery is retried.
   */
  private async refusalAs<T>(mustSucceed: boolean, call: () => Promise<T>): Promise<T | null> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof WecomApiError) || !error.permanent) throw error;
      if (mustSucceed) throw new DeliveryRefused(error.message);
      return null;
    }
  }
}

type ButtonCardView = Exclude<DeliverableCard, DailyTasksView>;

function renderCard(card: ButtonCardView, taskId: string): Record<string, unknown> {
  if (card.kind === 'visit_task') return visitTaskButtonCard(card, taskId);
  return card.kind === 'dispatch' ? buttonCard(card, taskId) : triageButtonCard(card, taskId);
}

function cardText(card: DeliverableCard): string {
  if (card.kind === 'visit_task') return visitTaskAsText(card);
  if (card.kind === 'daily_tasks') return dailyTasksAsText(card);
  return card.kind === 'dispatch' ? cardMarkdown(card) : triageAsText(card);
}

/** The greyed-out button of a card with no buttons left. */
function finishedText(card: ButtonCardView): string {
  if (card.kind === 'visit_task') return visitFinishedText(card);
  return card.kind === 'dispatch' ? finishedButtonText(card) : card.statusLine.slice(0, 10);
}

function nextTaskId(taskId: string): string {
  const match = /^(.*)_(\d+)$/.exec(taskId);
  return match ? `${match[1]}_${Number(match[2]) + 1}` : `${taskId}_1`;
}
