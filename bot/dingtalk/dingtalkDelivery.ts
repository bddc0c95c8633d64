// What the bot says on DingTalk, by which channel: a reply to a message through that message's
// sessionWebhook while it lasts (about 90 minutes; no token needed), anything else through the robot's
// proactive send into the group (or 1:1 to the person); cards as interactive cards created and delivered
// under our card's id (outTrackId) and updated in place for everyone; without a card template, cards go
// as markdown. A refusal (4xx with a code) is a DeliveryRefused; anything else waits and is retried.
import type { ChatDelivery, ChatTarget, DeliverableCard, ReplyTo } from '../../handlers/events';
import { DeliveryRefused } from '../../handlers/events';
import { DingtalkApiError, groupSpaceId, isExpiredSessionWebhook, robotSpaceId, type CardCallbackType, type DingtalkApiClient } from './apiClient';
import { DINGTALK_PLATFORM, parseChatKey, type DingtalkChat } from './chats';
import { cardMarkdown, cardParams } from './interactiveCard';
import { readReplyRef } from './robotMessage';

/** A sessionWebhook this close to its end is not tried: the proactive send is as good and cannot expire mid-way. */
const SESSION_MARGIN_MS = 60_000;

export interface DingtalkDeliveryOptions {
  api: DingtalkApiClient;
  /** null: no card template was built, cards go as markdown (README, DingTalk). */
  cardTemplateId: string | null;
  callbackType: CardCallbackType;
  callbackRouteKey: string | null;
  clock: () => Date;
}

export class DingtalkDelivery implements ChatDelivery {
  readonly platform = DINGTALK_PLATFORM;
  /** The robot's documented limit: 20 messages a minute into one chat. */
  readonly sendsPerMinutePerChat = 20;
  readonly answersThroughHandles = true;

  constructor(private readonly options: DingtalkDeliveryOptions) {}

  async sendText(target: ChatTarget, text: string, replyTo?: ReplyTo): Promise<void> {
    const session = readReplyRef(replyTo?.replyRef);
    if (session && session.until - SESSION_MARGIN_MS > this.options.clock().getTime()) {
      try {
        await this.options.api.replyThroughSessionWebhook(session.webhook, { msgtype: 'text', text: { content: text } });
        return;
      } catch (error) {
        // Gone early (DingTalk forgot the session): the proactive send below still reaches the chat.
        if (!isExpiredSessionWebhook(error)) throw refusalOf(error);
      }
    }
    await this.send(parseChatKey(target.chatId), { msgKey: 'sampleText', msgParam: { content: text } });
  }

  async sendCard(target: ChatTarget, card: DeliverableCard): Promise<string | null> {
    const { api, cardTemplateId, callbackType, callbackRouteKey } = this.options;
    const chat = parseChatKey(target.chatId);
    if (!cardTemplateId) {
      await this.send(chat, { msgKey: 'sampleMarkdown', msgParam: cardMarkdown(card) });
      return null;
    }
    try {
      await api.createAndDeliverCard({
        outTrackId: card.id,
        cardTemplateId,
        cardParamMap: cardParams(card),
        openSpaceId: chat.kind === 'group' ? groupSpaceId(chat.openConversationId) : robotSpaceId(chat.staffId),
        callbackType,
        ...(callbackRouteKey ? { callbackRouteKey } : {}),
      });
    } catch (error) {
      throw refusalOf(error);
    }
    return card.id;
  }

  async updateCard(target: ChatTarget, card: DeliverableCard, platformRef: string | null): Promise<string | null> {
    // A card sent as markdown cannot change; the next notice says what happened.
    if (!platformRef) return null;
    try {
      await this.options.api.updateCard({ outTrackId: platformRef, cardParamMap: cardParams(card) });
    } catch (error) {
      throw refusalOf(error);
    }
    return platformRef;
  }

  private async send(chat: DingtalkChat, message: { msgKey: string; msgParam: Record<string, string> }): Promise<void> {
    const { api } = this.options;
    try {
      if (chat.kind === 'group') await api.sendToGroup({ openConversationId: chat.openConversationId, ...message });
      else await api.sendToUsers({ userIds: [chat.staffId], ...message });
    } catch (error) {
      throw refusalOf(error);
    }
  }
}

/** DingTalk said no for good (a bad request, the robot not in the chat): retrying cannot help. */
function refusalOf(error: unknown): unknown {
  if (error instanceof DingtalkApiError && error.permanent) return new DeliveryRefused(`DingTalk ${error.path}: ${error.message}`);
  return error;
}
