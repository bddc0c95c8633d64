// A robot message from DingTalk, by HTTP or over Stream: validated, stored (a repeated delivery of the same
// msgId is one message: DingTalk re-sends what was not acknowledged), and a binding command answered. The
// caller acknowledges only after this resolves, so a message that could not be stored comes back.
import { z } from 'zod';
import type { HandlerContext } from '../../handlers/context';
import { DomainError } from '../../handlers/errors';
import { ingestMessage } from '../../handlers/intake/ingestMessage';
import { bindFromChat } from '../../handlers/organisation/bindFromChat';
import { DINGTALK_PLATFORM } from './chats';
import { robotMessageEvent, robotMessageSchema, type RobotMessage } from './robotMessage';

export class RobotMessageRefused extends Error {
  override name = 'RobotMessageRefused';
}

export function parseRobotMessage(raw: unknown): RobotMessage {
  const parsed = robotMessageSchema.safeParse(raw);
  if (!parsed.success) throw new RobotMessageRefused(`not a DingTalk robot message: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Stores the message; returns words to tell the sender at once (a binding answered, a message refused), else null. */
export async function receiveRobotMessage(raw: unknown, context: HandlerContext, options: { admins: readonly string[] }): Promise<{ message: RobotMessage; answer: string | null }> {
  const message = parseRobotMessage(raw);
  const event = robotMessageEvent(message);
  try {
    await ingestMessage(event, context);
  } catch (error) {
    // A message the bot refuses (too long …) is told so; DingTalk would only deliver it again.
    if (error instanceof DomainError) return { message, answer: `未能登记：${error.message}` };
    throw error;
  }
  const answer = await bindFromChat(
    { platform: DINGTALK_PLATFORM, chatId: event.chatId, chatName: event.chatName, text: event.text, isAdmin: options.admins.includes(event.sender.userId) },
    context,
  );
  return { message, answer };
}
