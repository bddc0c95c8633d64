// The intelligent bot's decrypted JSON (platforms.md §4.1, §4.2) as a typed value, with the bot's own
// @-mention taken out of what the person wrote, and the plaintext passive replies (§4.3). Pure: the
// envelope and its crypto are callbackCrypto.ts's job.
import { z } from 'zod';
import { WecomPayloadError } from './payloadError';

export { WecomPayloadError, type PayloadFault } from './payloadError';

export type ChatType = 'single' | 'group';

export interface SelectedItem {
  questionKey: string;
  optionIds: string[];
}

export type BotInbound =
  | {
      kind: 'message';
      msgId: string;
      /** text | voice | mixed | image | file | video */
      msgType: string;
      chatType: ChatType;
      /** The group's chatid; for a 1:1 chat the sender's userid (chatType says which). */
      chatId: string;
      userId: string;
      /** One active reply within an hour (§4.4). */
      responseUrl: string | null;
      /** What the person wrote, without the mention of the bot; '' for an image, file or video. */
      text: string;
      imageUrls: string[];
      /** Files and videos (encrypted downloads, like images). */
      attachmentUrls: string[];
      /** Every image, file and video with its own AES key when it has one (long connection). */
      media: BotMedia[];
      /** The text of a quoted message, if it had any. */
      quoted: string | null;
    }
  /** WeCom polling an open stream answer until it is finished (§4.1). */
  | { kind: 'stream_refresh'; msgId: string; streamId: string; chatId: string; userId: string }
  | { kind: 'enter_chat'; msgId: string; userId: string; chatId: string }
  | {
      kind: 'card_click';
      msgId: string;
      userId: string;
      chatId: string;
      chatType: ChatType;
      eventKey: string;
      taskId: string;
      cardType: string | null;
      selectedItems: SelectedItem[];
      responseUrl: string | null;
    }
  | { kind: 'event'; msgId: string; eventType: string; userId: string; chatId: string }
  | { kind: 'other'; msgType: string; msgId: string };

export interface BotMedia {
  kind: 'image' | 'file' | 'video';
  url: string;
  aesKey: string | null;
}

export interface BotParseOptions {
  /** The bot's display name, when known: then only mentions of it are removed, wherever they are. */
  botName?: string;
}

const content = z.object({ content: z.string() });
// Over the long connection each file carries its own AES key; over the webhook the bot's EncodingAESKey applies.
const url = z.object({ url: z.string().min(1), aeskey: z.string().min(1).optional() });
const mixed = z.object({ msg_item: z.array(z.object({ msgtype: z.string(), text: content.optional(), image: url.optional() })) });
const quote = z.object({ msgtype: z.string(), text: content.optional(), voice: content.optional(), mixed: mixed.optional() });

// Unknown fields are dropped, not refused: WeCom adds fields, and an answer refused is a message retried.
const envelope = z.object({ msgid: z.string().min(1), msgtype: z.string().min(1) });
const conversation = z.object({
  chatid: z.string().min(1).optional(),
  chattype: z.enum(['single', 'group']).optional(),
  from: z.object({ userid: z.string().min(1) }),
  response_url: z.string().min(1).optional(),
});
const message = conversation.extend({
  text: content.optional(),
  voice: content.optional(),
  mixed: mixed.optional(),
  image: url.optional(),
  file: url.optional(),
  video: url.optional(),
  quote: quote.optional(),
});
const streamPoll = conversation.extend({ stream: z.object({ id: z.string().min(1) }) });
const event = conversation.extend({ event: z.looseObject({ eventtype: z.string().min(1) }) });
const cardEvent = z.object({
  event_key: z.string().min(1),
  task_id: z.string().min(1),
  card_type: z.string().optional(),
  selected_items: z
    .object({
      // One item may come as an object rather than a list of one, as from a converted XML.
      selected_item: z.preprocess(
        (items) => (Array.isArray(items) || items === undefined ? items : [items]),
        z.array(z.object({ question_key: z.string().min(1), option_ids: z.object({ option_id: z.array(z.string()) }).optional() })).optional(),
      ),
    })
    .optional(),
});

const MESSAGE_TYPES: ReadonlySet<string> = new Set(['text', 'voice', 'mixed', 'image', 'file', 'video']);
/** §4.3: a stream's content is at most 20480 bytes. */
export const STREAM_MAX_BYTES = 20480;

/** One decrypted callback; anything that is not WeCom's shape is a WecomPayloadError naming the field. */
export function parseBotCallback(json: string, options: BotParseOptions = {}): BotInbound {
  let body: unknown;
  try {
    body = JSON.parse(json);
  } catch (error) {
    throw new WecomPayloadError('not_json', `the bot callback is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { msgid: msgId, msgtype: msgType } = check(envelope, body);
  if (msgType === 'stream') {
    const poll = check(streamPoll, body);
    const { chatId, userId } = who(poll);
    return { kind: 'stream_refresh', msgId, streamId: poll.stream.id, chatId, userId };
  }
  if (msgType === 'event') return parseEvent(msgId, check(event, body), body);
  if (!MESSAGE_TYPES.has(msgType)) return { kind: 'other', msgType, msgId };

  const parsed = check(message, body);
  const { chatType, chatId, userId } = who(parsed);
  const missing = (field: string) => new WecomPayloadError('missing_field', `${field} is missing from a ${msgType} message`);
  let text = '';
  const imageUrls: string[] = [];
  const attachmentUrls: string[] = [];
  const media: BotMedia[] = [];
  if (msgType === 'text') {
    if (!parsed.text) throw missing('text.content');
    text = parsed.text.content;
  } else if (msgType === 'voice') {
    if (!parsed.voice) throw missing('voice.content');
    text = parsed.voice.content; // already speech-to-text (§4.1)
  } else if (msgType === 'mixed') {
    if (!parsed.mixed) throw missing('mixed.msg_item');
    text = mixedText(parsed.mixed.msg_item);
    for (const item of parsed.mixed.msg_item) {
      if (item.msgtype !== 'image' || !item.image) continue;
      imageUrls.push(item.image.url);
      media.push({ kind: 'image', url: item.image.url, aesKey: item.image.aeskey ?? null });
    }
  } else {
    const file = parsed[msgType as 'image' | 'file' | 'video'];
    if (!file) throw missing(`${msgType}.url`);
    (msgType === 'image' ? imageUrls : attachmentUrls).push(file.url);
    media.push({ kind: msgType as BotMedia['kind'], url: file.url, aesKey: file.aeskey ?? null });
  }
  return {
    kind: 'message',
    msgId,
    msgType,
    chatType,
    chatId,
    userId,
    responseUrl: parsed.response_url ?? null,
    // Only a group message is addressed with a mention; in a 1:1 chat a leading "@" is the person's own.
    text: chatType === 'group' ? stripBotMention(text, options.botName) : text.replace(/\u2005/g, ' ').trim(),
    imageUrls,
    attachmentUrls,
    media,
    // A quoted group message is read the same way: its leading mention addressed the bot.
    quoted: parsed.quote ? quotedText(parsed.quote, chatType === 'group' ? options.botName : null) : null,
  };
}

/**
 * What a group member wrote, without the mention that addressed the bot. WeCom starts the content with
 * "@<bot name>" and a U+2005 (or a space). Without the bot's name only that leading mention can be told
 * apart from anyone else's, so only it goes; with the name, every mention of the bot goes and the others stay.
 */
export function stripBotMention(text: string, botName?: string): string {
  const spaced = text.replace(/\u2005/g, ' ');
  if (botName) {
    const name = botName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return spaced.replace(new RegExp(`(?<=^|\\s)@${name}(?:\\s+|$)`, 'gu'), '').trim();
  }
  // \s covers U+3000 (full-width space) and U+2005 alike. Only a space says where an unknown name ends:
  // "@网格助手3栋外墙…" with none is left whole rather than lose the report with the name.
  return spaced.replace(/^\s*@\S+\s+/u, '').trim();
}

/** The passive answer to a message or a stream poll (§4.3): markdown, cut to WeCom's byte limit. */
export function botStreamReply(streamId: string, content: string, finish: boolean) {
  return { msgtype: 'stream' as const, stream: { id: streamId, finish, content: cutToBytes(content, STREAM_MAX_BYTES) } };
}

export type TemplateCard = Record<string, unknown>;

/** A card as the answer to a message; WeCom allows one card per message (§4.3). */
export function botTemplateCardReply(card: TemplateCard) {
  return { msgtype: 'template_card' as const, template_card: card };
}

/**
 * The answer to a card click, replacing the card (same task_id). Without userids every recipient's card
 * changes (§4.3); an empty list is passed on as given, not taken to mean everyone.
 */
export function botUpdateCardReply(card: TemplateCard, userids?: readonly string[]) {
  return { response_type: 'update_template_card' as const, template_card: card, ...(userids ? { userids: [...userids] } : {}) };
}

/** Plain text: the welcome on enter_chat (§4.3). */
export function botTextReply(content: string) {
  return { msgtype: 'text' as const, text: { content } };
}

function parseEvent(msgId: string, parsed: z.infer<typeof event>, body: unknown): BotInbound {
  const { chatType, chatId, userId } = who(parsed);
  const eventType = parsed.event.eventtype;
  if (eventType === 'enter_chat') return { kind: 'enter_chat', msgId, userId, chatId };
  if (eventType !== 'template_card_event') return { kind: 'event', msgId, eventType, userId, chatId };
  // The doc nests the details under the event's own name; the SDK's type puts them on `event` (§4.2).
  const nested = parsed.event.template_card_event;
  const isNested = typeof nested === 'object' && nested !== null;
  const details = check(cardEvent, isNested ? nested : parsed.event, body, isNested ? ['event', 'template_card_event'] : ['event']);
  return {
    kind: 'card_click',
    msgId,
    userId,
    chatId,
    chatType,
    eventKey: details.event_key,
    taskId: details.task_id,
    cardType: details.card_type ?? null,
    selectedItems: (details.selected_items?.selected_item ?? []).map((item) => ({ questionKey: item.question_key, optionIds: item.option_ids?.option_id ?? [] })),
    responseUrl: parsed.response_url ?? null,
  };
}

/** Who wrote, and where: a group needs its chatid; a 1:1 chat is named by the person. */
function who(parsed: z.infer<typeof conversation>): { chatType: ChatType; chatId: string; userId: string } {
  // An event or poll may leave chattype out; a chatid then says it is a group.
  const chatType = parsed.chattype ?? (parsed.chatid ? 'group' : 'single');
  const userId = parsed.from.userid;
  if (chatType === 'single') return { chatType, chatId: userId, userId };
  if (!parsed.chatid) throw new WecomPayloadError('missing_field', 'chatid is missing from a group callback');
  return { chatType, chatId: parsed.chatid, userId };
}

function mixedText(items: z.infer<typeof mixed>['msg_item']): string {
  return items
    .filter((item) => item.msgtype === 'text' && item.text)
    .map((item) => item.text!.content)
    .join('\n');
}

/** `botName` null: a 1:1 chat, where nothing is stripped. */
function quotedText(quoted: z.infer<typeof quote>, botName: string | undefined | null): string | null {
  const text = quoted.msgtype === 'mixed' ? mixedText(quoted.mixed?.msg_item ?? []) : (quoted.text ?? quoted.voice)?.content;
  if (text === undefined) return null;
  const read = botName === null ? text.replace(/\u2005/g, ' ').trim() : stripBotMention(text, botName);
  return read || null;
}

/** Parses with a schema; a failure names the first field, and says whether it is missing or wrong. */
function check<T>(schema: z.ZodType<T>, value: unknown, body: unknown = value, prefix: PropertyKey[] = []): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = [...prefix, ...issue.path];
  const field = path.length ? path.map(String).join('.') : 'the callback';
  const missing = lookUp(body, path) === undefined;
  throw new WecomPayloadError(missing ? 'missing_field' : 'bad_field', missing ? `${field} is missing` : `${field}: ${issue.message}`);
}

function lookUp(value: unknown, path: PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** Cut at a code point boundary, so a long Chinese answer does not end in half a character. */
function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const ellipsis = '…';
  let budget = maxBytes - Buffer.byteLength(ellipsis);
  let cut = '';
  for (const char of text) {
    budget -= Buffer.byteLength(char);
    if (budget < 0) break;
    cut += char;
  }
  return cut + ellipsis;
}
