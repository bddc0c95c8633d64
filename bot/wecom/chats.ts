// How WeCom conversations are named in the bot's chat table. A group's chatid is the bot's own name for it;
// a person's 1:1 chat with the intelligent bot and with the self-built app are different conversations of
// the same WeCom user, so they carry a prefix that says which, and who.
export const WECOM_PLATFORM = 'wecom';

export type WecomChat =
  | { kind: 'group'; chatId: string }
  /** A person's 1:1 chat with the intelligent bot. */
  | { kind: 'bot_single'; userId: string }
  /** A person's 1:1 chat with the self-built app (工作台). */
  | { kind: 'app_single'; userId: string };

const BOT_SINGLE = 'single:';
const APP_SINGLE = 'app:';

export function chatKey(chat: WecomChat): string {
  if (chat.kind === 'group') return chat.chatId;
  return `${chat.kind === 'bot_single' ? BOT_SINGLE : APP_SINGLE}${chat.userId}`;
}

export function parseChatKey(key: string): WecomChat {
  if (key.startsWith(BOT_SINGLE)) return { kind: 'bot_single', userId: key.slice(BOT_SINGLE.length) };
  if (key.startsWith(APP_SINGLE)) return { kind: 'app_single', userId: key.slice(APP_SINGLE.length) };
  return { kind: 'group', chatId: key };
}
