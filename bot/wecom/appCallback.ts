// The self-built app's callback: workers' 1:1 messages to the app are stored like any report, and card
// clicks act on their card (actOnCard) with the click's ResponseCode kept for the update. WeCom expects an
// empty 200 within 5 seconds; receipts and card updates go out through the API afterwards.
import type { HandlerContext } from '../../handlers/context';
import { DomainError } from '../../handlers/errors';
import { ingestMessage } from '../../handlers/intake/ingestMessage';
import { MAX_LOCATION_NAME_LENGTH } from '../../handlers/intake/messageLocation';
import { parseAppMessage, type AppInbound } from './appXml';
import { WECOM_PLATFORM, chatKey } from './chats';
import { cardHandle } from './replyHandles';
import { actOnWecomClick } from './cardClicks';
import { appMediaRef } from './wecomMedia';
import type { InboundMessageEvent } from '../../handlers/events';

export interface AppCallbackEffects {
  /** Tells one worker something at once (a refused click); best effort, it is also in the log. */
  tellUser(userId: string, text: string): Promise<void>;
}

export async function handleAppCallback(plaintext: string, context: HandlerContext, effects: AppCallbackEffects): Promise<void> {
  const inbound = parseAppMessage(plaintext);
  if (inbound.kind === 'text') return storeText(inbound, inbound.content, context);
  // A location has no words: intake stores its label as the text (or the point, when it has no label). A label
  // too long for the location's name is kept whole as the text.
  if (inbound.kind === 'location') {
    const label = inbound.label.trim();
    const name = label.slice(0, MAX_LOCATION_NAME_LENGTH);
    const location = { ...(name ? { name } : {}), latitude: inbound.latitude, longitude: inbound.longitude };
    return storeText(inbound, label.length > name.length ? label : '', context, { location });
  }
  if (inbound.kind === 'image') return storeText(inbound, '[图片]', context, { attachments: [{ kind: 'image', ref: appMediaRef(inbound.mediaId) }] });
  if (inbound.kind === 'voice') return storeText(inbound, '[语音]', context, { attachments: [{ kind: 'voice', ref: appMediaRef(inbound.mediaId) }] });
  if (inbound.kind === 'card_click') return clickCard(inbound, context, effects);
  // Other events (enter_agent, subscribe …) need nothing.
}

async function storeText(
  message: Extract<AppInbound, { msgId: string }>,
  text: string,
  context: HandlerContext,
  sent: Pick<InboundMessageEvent, 'attachments' | 'location'> = {},
): Promise<void> {
  try {
    await ingestMessage(
      {
        platform: WECOM_PLATFORM,
        platformMessageId: `app:${message.msgId}`,
        chatId: chatKey({ kind: 'app_single', userId: message.fromUser }),
        sender: { userId: message.fromUser, name: message.fromUser },
        text,
        ...sent,
      },
      context,
    );
  } catch (error) {
    // Refused for good (too long, empty): retrying cannot help, so WeCom gets its 200 and the log says why.
    if (!(error instanceof DomainError)) throw error;
    context.log.warn({ platformMessageId: message.msgId, err: error }, 'WeCom app message refused');
  }
}

async function clickCard(click: Extract<AppInbound, { kind: 'card_click' }>, context: HandlerContext, effects: AppCallbackEffects): Promise<void> {
  const refusal = await actOnWecomClick(
    {
      eventKey: click.eventKey, taskId: click.taskId, userId: click.fromUser, selectedItems: click.selectedItems,
      replyRef: click.responseCode ? cardHandle({ taskId: click.taskId, responseCode: click.responseCode }) : undefined,
    },
    context,
  );
  if (!refusal) return;
  await effects.tellUser(click.fromUser, refusal).catch((cause: unknown) => {
    context.log.warn({ err: cause, userId: click.fromUser }, 'could not tell the worker why the click was refused');
  });
}
