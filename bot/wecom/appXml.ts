// The self-built app's XML (platforms.md §1.3, §1.4, §3.1): the Encrypt text of the outer envelope, the
// decrypted inner message as a typed value, its dedupe key (§3.2), and the encrypted passive reply.
// Pure: the signature and the AES layer are callbackCrypto.ts's job.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { WecomPayloadError } from './payloadError';

export { WecomPayloadError, type PayloadFault } from './payloadError';

interface Common {
  fromUser: string;
  /** Seconds since the epoch, as WeCom sends it. */
  createTime: number;
}

export interface SelectedItem {
  questionKey: string;
  optionIds: string[];
}

export type AppInbound =
  | (Common & { kind: 'text'; msgId: string; agentId: string | null; content: string })
  /** MediaId works with media/get for 3 days (§3.1). */
  | (Common & { kind: 'image'; msgId: string; picUrl: string; mediaId: string })
  /** The app gets the audio itself, not a transcript (unlike the intelligent bot). */
  | (Common & { kind: 'voice'; msgId: string; mediaId: string })
  | (Common & { kind: 'location'; msgId: string; latitude: number; longitude: number; label: string })
  | (Common & {
      kind: 'card_click';
      /** template_card_menu_event is a click on the card's top-right menu; it carries the same fields. */
      event: 'template_card_event' | 'template_card_menu_event';
      eventKey: string;
      taskId: string;
      cardType: string | null;
      /** Single use, for update_template_card (§3.4); absent on cards that cannot be updated. */
      responseCode: string | null;
      /** The card's drop-downs and votes (SelectedItems), empty when it has none. */
      selectedItems: SelectedItem[];
    })
  | (Common & { kind: 'event'; event: string; eventKey?: string })
  | (Common & { kind: 'other'; msgType: string; msgId?: string });

export interface EncryptedReply {
  encrypt: string;
  signature: string;
  timestamp: string;
  nonce: string;
}

const CARD_EVENTS: ReadonlySet<string> = new Set(['template_card_event', 'template_card_menu_event']);
// The only repeated elements we read; everything else must be a single text value.
const LIST_PATHS: ReadonlySet<string> = new Set(['xml.SelectedItems.SelectedItem', 'xml.SelectedItems.SelectedItem.OptionIds.OptionId']);
// Checked on the raw text before any parsing: a billion-laughs body is refused without being looked into.
const DECLARATION = /<!\s*(?:DOCTYPE|ENTITY)/i;
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

// Entities off: with no DTD there is nothing to expand, and the inner message's text is in CDATA anyway.
// Values stay strings (MsgId is 64-bit). trimValues trims only text outside CDATA, so the Encrypt CDATA
// reaches the signature check byte for byte.
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
  isArray: (_tagName, jPath) => LIST_PATHS.has(String(jPath)),
});

type XmlNode = Record<string, unknown>;

/** The `<Encrypt>` text of a POSTed envelope, exactly as sent: the signature is computed over it. */
export function readEncryptedEnvelope(xml: string): string {
  const root = parseDocument(xml, 'envelope');
  const encrypt = root.Encrypt;
  if (encrypt === undefined) throw new WecomPayloadError('no_encrypt', 'the envelope has no Encrypt element');
  if (typeof encrypt !== 'string' || encrypt.length % 4 !== 0 || !BASE64.test(encrypt)) {
    throw new WecomPayloadError('bad_encrypt', 'Encrypt is not a base64 string');
  }
  return encrypt;
}

/** The decrypted inner XML (§3.1) as one of the kinds the bot handles. */
export function parseAppMessage(xml: string): AppInbound {
  const root = parseDocument(xml, 'message');
  const common: Common = { fromUser: required(root, 'FromUserName'), createTime: seconds(root) };
  const msgType = required(root, 'MsgType');
  if (msgType === 'event') return parseEvent(root, common);
  const msgId = required(root, 'MsgId');
  switch (msgType) {
    case 'text':
      return { kind: 'text', msgId, ...common, agentId: optional(root, 'AgentID') ?? null, content: optional(root, 'Content') ?? '' };
    case 'image':
      return { kind: 'image', msgId, ...common, picUrl: optional(root, 'PicUrl') ?? '', mediaId: optional(root, 'MediaId') ?? '' };
    case 'voice':
      return { kind: 'voice', msgId, ...common, mediaId: optional(root, 'MediaId') ?? '' };
    case 'location':
      return {
        kind: 'location',
        msgId,
        ...common,
        latitude: coordinate(root, 'Location_X'),
        longitude: coordinate(root, 'Location_Y'),
        label: optional(root, 'Label') ?? '',
      };
    default:
      return { kind: 'other', msgType, msgId, ...common };
  }
}

/**
 * What a retried delivery repeats (§3.2): MsgId for messages; for events, which carry none, the sender
 * and second, and for card clicks the card and button too, so two different clicks in one second are two.
 */
export function appDedupeKey(message: AppInbound): string {
  switch (message.kind) {
    case 'card_click':
      return `click:${message.fromUser}:${message.createTime}:${message.taskId}:${message.eventKey}`;
    case 'event':
      return `event:${message.fromUser}:${message.createTime}`;
    case 'other':
      return message.msgId ?? `event:${message.fromUser}:${message.createTime}`;
    default:
      return message.msgId;
  }
}

/** The passive reply envelope (§1.4), around a ciphertext sealed by callbackCrypto.sealReply. */
export function buildEncryptedReplyXml({ encrypt, signature, timestamp, nonce }: EncryptedReply): string {
  // The nonce is echoed from the query; nothing may close a CDATA section or break the TimeStamp element.
  if (!BASE64.test(encrypt)) throw new WecomPayloadError('bad_reply', 'the reply ciphertext is not base64');
  if (!/^[0-9a-f]{40}$/i.test(signature)) throw new WecomPayloadError('bad_reply', 'the reply signature is not a SHA-1 hex digest');
  if (!/^\d+$/.test(timestamp)) throw new WecomPayloadError('bad_reply', `timestamp "${timestamp}" is not a number of seconds`);
  if (!nonce || nonce.includes(']]>')) throw new WecomPayloadError('bad_reply', 'the nonce is empty or contains "]]>"');
  return (
    `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`
  );
}

function parseEvent(root: XmlNode, common: Common): AppInbound {
  const event = required(root, 'Event');
  if (CARD_EVENTS.has(event)) {
    return {
      kind: 'card_click',
      ...common,
      event: event as 'template_card_event' | 'template_card_menu_event',
      eventKey: required(root, 'EventKey'),
      taskId: required(root, 'TaskId'),
      cardType: optional(root, 'CardType') ?? null,
      responseCode: optional(root, 'ResponseCode') || null,
      selectedItems: selectedItems(root),
    };
  }
  const eventKey = optional(root, 'EventKey');
  return { kind: 'event', ...common, event, ...(eventKey !== undefined ? { eventKey } : {}) };
}

/** SelectedItems/SelectedItem[]/{QuestionKey, OptionIds/OptionId[]} (§3.1), as vote and drop-down cards send it. */
function selectedItems(root: XmlNode): SelectedItem[] {
  const holder = root.SelectedItems;
  if (holder === undefined || holder === '') return [];
  if (!isNode(holder)) throw new WecomPayloadError('bad_field', 'SelectedItems is not a list of SelectedItem');
  const items = (holder.SelectedItem as unknown[] | undefined) ?? [];
  return items.map((item, index) => {
    if (!isNode(item)) throw new WecomPayloadError('bad_field', `SelectedItem ${index + 1} is not an element`);
    const ids = item.OptionIds;
    const optionIds = isNode(ids) ? ((ids.OptionId as unknown[] | undefined) ?? []) : [];
    if (!optionIds.every((id): id is string => typeof id === 'string')) {
      throw new WecomPayloadError('bad_field', `SelectedItem ${index + 1} has an OptionId that is not text`);
    }
    return { questionKey: required(item, 'QuestionKey'), optionIds };
  });
}

function parseDocument(xml: string, what: 'envelope' | 'message'): XmlNode {
  // Text inside CDATA is only text: a worker who types "<!DOCTYPE" must not lose the message.
  if (DECLARATION.test(xml.replace(CDATA, ''))) throw new WecomPayloadError('doctype', `the ${what} declares a DOCTYPE or ENTITY`);
  // The parser itself accepts nearly anything ("not xml" parses to {}): the validator says whether it is XML.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new WecomPayloadError('not_xml', `the ${what} is not XML: ${valid.err.msg} (line ${valid.err.line})`);
  let document: unknown;
  try {
    document = parser.parse(xml);
  } catch (error) {
    throw new WecomPayloadError('not_xml', `the ${what} is not XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const root = isNode(document) ? document.xml : undefined;
  if (!isNode(root)) throw new WecomPayloadError('not_xml', `the ${what} has no <xml> root element with children`);
  return root;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optional(node: XmlNode, name: string): string | undefined {
  const value = node[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new WecomPayloadError('bad_field', `${name} is not a single text value`);
  return value;
}

function required(node: XmlNode, name: string): string {
  const value = optional(node, name);
  if (!value) throw new WecomPayloadError('missing_field', `${name} is missing`);
  return value;
}

function seconds(root: XmlNode): number {
  const value = required(root, 'CreateTime');
  if (!/^\d{1,12}$/.test(value)) throw new WecomPayloadError('bad_field', `CreateTime "${value}" is not a number of seconds`);
  return Number(value);
}

function coordinate(root: XmlNode, name: 'Location_X' | 'Location_Y'): number {
  const value = required(root, name);
  if (!/^[-+]?\d{1,3}(?:\.\d+)?$/.test(value)) throw new WecomPayloadError('bad_field', `${name} "${value}" is not a coordinate`);
  return Number(value);
}
