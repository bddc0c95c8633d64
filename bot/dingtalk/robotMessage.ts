// What the enterprise robot receives (platforms.md §6a), over HTTP or Stream alike: a group message that
// @-mentions the robot ("@所有人" never reaches it) or a 1:1 message, as one platform-neutral inbound event.
// The sender is their staff id (senderStaffId: the userid of the org's address book), named by senderNick.
import { z } from 'zod';
import type { InboundAttachment, InboundMessageEvent } from '../../handlers/events';
import { chatKey } from './chats';
import { DINGTALK_PLATFORM } from './chats';

const richTextPart = z.object({
  text: z.string().optional(),
  type: z.string().optional(),
  downloadCode: z.string().optional(),
  pictureDownloadCode: z.string().optional(),
});

export const robotMessageSchema = z.object({
  msgId: z.string().min(1),
  msgtype: z.string().min(1),
  createAt: z.coerce.number().optional(),
  conversationType: z.enum(['1', '2']),
  conversationId: z.string().min(1),
  conversationTitle: z.string().optional(),
  senderStaffId: z.string().optional(),
  senderId: z.string().optional(),
  senderNick: z.string().optional(),
  sessionWebhook: z.string().url().optional(),
  sessionWebhookExpiredTime: z.coerce.number().optional(),
  robotCode: z.string().optional(),
  text: z.object({ content: z.string() }).optional(),
  content: z
    .object({
      richText: z.array(richTextPart).optional(),
      downloadCode: z.string().optional(),
      pictureDownloadCode: z.string().optional(),
      fileName: z.string().optional(),
    })
    .optional(),
});

export type RobotMessage = z.infer<typeof robotMessageSchema>;

/** The handle a reply to this message can use: its sessionWebhook while it lasts (about 90 minutes). */
export interface SessionReply {
  webhook: string;
  /** ms since the epoch. */
  until: number;
}

export function readReplyRef(replyRef: string | null | undefined): SessionReply | null {
  if (!replyRef) return null;
  try {
    const parsed = JSON.parse(replyRef) as Partial<SessionReply>;
    return typeof parsed.webhook === 'string' && typeof parsed.until === 'number' ? { webhook: parsed.webhook, until: parsed.until } : null;
  } catch {
    return null;
  }
}

/** The words, without the @-mentions a group message opens with (DingTalk leaves a space where @robot was). */
function wordsOf(message: RobotMessage): string {
  const parts = message.msgtype === 'richText' ? (message.content?.richText ?? []).map((part) => part.text ?? '') : [message.text?.content ?? ''];
  return parts.join('').replace(/^(?:\s*@\S+)*\s*/u, '').trim();
}

/** Pictures and files named by their download codes; fetched afterwards through the robot's file download. */
function attachmentsOf(message: RobotMessage): InboundAttachment[] {
  if (message.msgtype === 'picture' && message.content?.downloadCode) return [{ kind: 'image', ref: message.content.downloadCode }];
  if (message.msgtype === 'file' && message.content?.downloadCode) {
    return [{ kind: 'file', ref: message.content.downloadCode, ...(message.content.fileName ? { fileName: message.content.fileName } : {}) }];
  }
  if (message.msgtype !== 'richText') return [];
  return (message.content?.richText ?? [])
    .filter((part) => part.type === 'picture' && (part.downloadCode ?? part.pictureDownloadCode))
    .map((part) => ({ kind: 'image' as const, ref: (part.downloadCode ?? part.pictureDownloadCode)! }));
}

export function robotMessageEvent(message: RobotMessage): InboundMessageEvent {
  const staffId = message.senderStaffId ?? message.senderId ?? 'unknown';
  const chatId = chatKey(message.conversationType === '2' ? { kind: 'group', openConversationId: message.conversationId } : { kind: 'single', staffId });
  const attachments = attachmentsOf(message);
  const reply = message.sessionWebhook && message.sessionWebhookExpiredTime ? { webhook: message.sessionWebhook, until: message.sessionWebhookExpiredTime } : null;
  return {
    platform: DINGTALK_PLATFORM,
    platformMessageId: message.msgId,
    chatId,
    ...(message.conversationTitle ? { chatName: message.conversationTitle } : {}),
    sender: { userId: staffId, name: message.senderNick || staffId },
    text: wordsOf(message) || (attachments.length ? '（图片）' : ''),
    ...(reply ? { replyRef: JSON.stringify(reply) } : {}),
    ...(attachments.length ? { attachments } : {}),
  };
}
