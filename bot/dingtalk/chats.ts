// How DingTalk conversations are named in the bot's chat table: a group by its openConversationId (cid…),
// a person's 1:1 chat with the robot by their staff id, prefixed so the two can never collide.
export const DINGTALK_PLATFORM = 'dingtalk';

export type DingtalkChat = { kind: 'group'; openConversationId: string } | { kind: 'single'; staffId: string };

const SINGLE = 'single:';

export function chatKey(chat: DingtalkChat): string {
  return chat.kind === 'group' ? chat.openConversationId : `${SINGLE}${chat.staffId}`;
}

export function parseChatKey(key: string): DingtalkChat {
  return key.startsWith(SINGLE) ? { kind: 'single', staffId: key.slice(SINGLE.length) } : { kind: 'group', openConversationId: key };
}
