// An admin's 绑定 … typed in a chat: parsed, checked against who may bind, applied; the answer is the
// confirmation or the reason, in words for the chat. The message itself was stored first, like any other.
import { OrgUnit } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { DomainError } from '../errors';
import { bindChat } from './bindChat';
import { isBindingCommand, parseBindingCommand } from './bindingCommand';

export interface ChatCommand {
  platform: string;
  chatId: string;
  chatName?: string;
  text: string;
  isAdmin: boolean;
}

/** The answer to a binding command, or null when the text is not one. */
export async function bindFromChat(command: ChatCommand, context: HandlerContext): Promise<string | null> {
  if (!isBindingCommand(command.text)) return null;
  if (!command.isAdmin) return '只有管理员可以绑定群。请联系街道管理员。';
  const orgUnits = await context.db.read.find(OrgUnit, { select: { code: true, name: true } });
  const parsed = parseBindingCommand(command.text, context.taxonomy, orgUnits);
  if (!parsed) return null;
  if ('refusal' in parsed) return parsed.refusal;
  try {
    const bound = await bindChat(command.platform, command.chatId, parsed.binding, context, command.chatName);
    return `已绑定：本群现为 ${bound.description}。`;
  } catch (error) {
    if (error instanceof DomainError) return `未能绑定：${error.message}`;
    throw error;
  }
}
