// The intelligent bot's callback (webhook) mode: what each decrypted callback means and the passive answer
// it gets. A message is stored (ingestMessage) and answered at once with an open stream; WeCom then polls
// the stream, and the poll that finds the receipt waiting takes it (takeWaitingReply) and closes the stream.
// Nothing here waits for classification: WeCom gives a callback 5 seconds and retries a slow one.
import type { HandlerContext } from '../../handlers/context';
import type { InboundMessageEvent } from '../../handlers/events';
import { takeWaitingReply } from '../../handlers/delivery/waitingReplies';
import { DomainError } from '../../handlers/errors';
import { ingestMessage } from '../../handlers/intake/ingestMessage';
import { bindFromChat } from '../../handlers/organisation/bindFromChat';
import { InboundMessage } from '../../storage/entities';
import { botStreamReply, botTextReply, parseBotCallback, type BotInbound } from './botMessage';
import { WECOM_PLATFORM, chatKey } from './chats';
import { messageHandle } from './replyHandles';
import { botMediaRef } from './wecomMedia';

export const STREAM_PLACEHOLDER = '收到，正在登记…';
const NOTHING_TO_REPORT = '收到。要反映问题，请 @我 写明发生了什么、在哪里，例如“3栋外墙瓷砖掉落”。';
export const WELCOME =
  '您好，我是街道网格助手。遇到外墙脱落、消防通道堵塞、噪音扰民、飞线充电等问题，在群里 @我 说明情况和位置即可，我会登记、派给负责的岗位并跟进到办结。';

export type BotMessage = Extract<BotInbound, { kind: 'message' }>;

/** The plaintext JSON to encrypt as the passive answer; `{}` means nothing to say. */
export type BotAnswer = Record<string, unknown>;

export interface BotCallbackOptions {
  /** WECOM_ADMINS: who may bind a chat from inside it. */
  admins: readonly string[];
}

export async function answerBotCallback(plaintext: string, context: HandlerContext, options: BotCallbackOptions): Promise<BotAnswer> {
  const inbound = parseBotCallback(plaintext);
  switch (inbound.kind) {
    case 'message':
      return storeMessage(inbound, context, options);
    case 'stream_refresh':
      return answerStreamPoll(inbound.streamId, context);
    case 'enter_chat':
      return botTextReply(WELCOME);
    default:
      // Card clicks reach the bot only for cards it sent, and in callback mode it sends none (the app does).
      return {};
  }
}

/** A bot message as the platform-neutral event: the mention already stripped, a quote and images noted. */
export function botMessageEvent(message: BotMessage, replyRef: string): InboundMessageEvent {
  const text = [message.text, message.quoted && `（引用：${message.quoted}）`, message.imageUrls.length ? `[图片 ${message.imageUrls.length} 张]` : '']
    .filter(Boolean)
    .join(' ')
    .trim();
  return {
    platform: WECOM_PLATFORM,
    platformMessageId: message.msgId,
    chatId: botChatKey(message),
    sender: { userId: message.userId, name: message.userId },
    text: text || '（空消息）',
    replyRef,
    ...(message.media.length ? { attachments: message.media.map((media) => ({ kind: media.kind, ref: botMediaRef(media) })) } : {}),
  };
}

export function botChatKey(message: { chatType: 'single' | 'group'; chatId: string; userId: string }): string {
  return chatKey(message.chatType === 'group' ? { kind: 'group', chatId: message.chatId } : { kind: 'bot_single', userId: message.userId });
}

/**
 * Stores the message; returns the answer to give at once when there is one (a binding confirmed or refused,
 * a message refused), or null when the receipt follows from the inbound job.
 */
export async function takeBotMessage(message: BotMessage, replyRef: string, context: HandlerContext, options: BotCallbackOptions): Promise<string | null> {
  const event = botMessageEvent(message, replyRef);
  try {
    await ingestMessage(event, context);
  } catch (error) {
    // A message the bot refuses (too long …) is told so at once; WeCom would only deliver it again.
    if (error instanceof DomainError) return `未能登记：${error.message}`;
    throw error;
  }
  return bindFromChat({ platform: WECOM_PLATFORM, chatId: event.chatId, text: event.text, isAdmin: options.admins.includes(message.userId) }, context);
}

async function storeMessage(message: BotMessage, context: HandlerContext, options: BotCallbackOptions): Promise<BotAnswer> {
  const answer = await takeBotMessage(message, messageHandle({ responseUrl: message.responseUrl, stream: true }), context, options);
  if (answer) return botStreamReply(message.msgId, answer, true);
  // The stream is named by WeCom's msgid, so a repeated delivery of the message answers the same stream.
  return botStreamReply(message.msgId, STREAM_PLACEHOLDER, false);
}

async function answerStreamPoll(streamId: string, context: HandlerContext): Promise<BotAnswer> {
  const message = await context.db.read.findOne(InboundMessage, {
    where: { platform: WECOM_PLATFORM, platformMessageId: streamId },
    select: { id: true, status: true },
  });
  if (!message) return botStreamReply(streamId, NOTHING_TO_REPORT, true);
  const reply = await takeWaitingReply(context, message.id, WECOM_PLATFORM);
  if (reply) return botStreamReply(streamId, reply.text, true);
  // Still being classified: keep the stream open. Handled without a reply (chat): close it politely.
  return message.status === 'received' ? botStreamReply(streamId, STREAM_PLACEHOLDER, false) : botStreamReply(streamId, NOTHING_TO_REPORT, true);
}
