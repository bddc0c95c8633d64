// What the bot does with each frame of its long connection: the same messages and events as the webhook
// (botCallback.ts), answered on the connection. A message is stored and its receipt follows as a push; a
// card click acts on its card, and the card update answers the click's frame (within WeCom's 5 s).
import type { WSClient, WsFrame } from '@wecom/aibot-node-sdk';
import type { HandlerContext } from '../../handlers/context';
import { DomainError } from '../../handlers/errors';
import { actOnCard } from '../../handlers/incidents/actOnCard';
import { CARD_ACTIONS, type CardAction } from '../../handlers/incidents/incidentStateMachine';
import { parseBotCallback } from './botMessage';
import { WELCOME, takeBotMessage, type BotCallbackOptions } from './botCallback';
import { NOTE_QUESTION_KEY, noteOfOption } from './cardNotes';
import { cardHandle, messageHandle } from './replyHandles';
import { cardIdOfTask } from './templateCard';
import { WECOM_PLATFORM } from './chats';

export async function handleWsFrame(frame: WsFrame, client: WSClient, context: HandlerContext, options: BotCallbackOptions): Promise<void> {
  const inbound = parseBotCallback(JSON.stringify(frame.body ?? {}));
  if (inbound.kind === 'message') {
    // No stream over the connection: the receipt is pushed when the inbound job has it.
    const answer = await takeBotMessage(inbound, messageHandle({ responseUrl: null, stream: false }), context, options);
    if (answer) await client.replyStream(frame, inbound.msgId, answer, true);
    return;
  }
  if (inbound.kind === 'enter_chat') {
    await client.replyWelcome(frame, { msgtype: 'text', text: { content: WELCOME } });
    return;
  }
  if (inbound.kind !== 'card_click') return;

  const action = inbound.eventKey as CardAction;
  if (!CARD_ACTIONS.includes(action)) return void context.log.warn({ eventKey: inbound.eventKey }, 'WeCom card click with an unknown button key; ignored');
  const chosen = inbound.selectedItems.find((item) => item.questionKey === NOTE_QUESTION_KEY)?.optionIds[0];
  try {
    await actOnCard(
      {
        platform: WECOM_PLATFORM,
        cardId: cardIdOfTask(inbound.taskId),
        userId: inbound.userId,
        action,
        note: noteOfOption(chosen),
        // The click's frame is the handle: the card update answers it (wecomDelivery.updateCard).
        replyRef: cardHandle({ taskId: inbound.taskId, responseCode: null, frame: { reqId: frame.headers.req_id, at: context.clock().getTime() } }),
      },
      context,
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    context.log.info({ taskId: inbound.taskId, userId: inbound.userId, action, reason: error.message }, 'WeCom card click refused');
    const told = error.kind === 'invalid' && !chosen ? '操作未生效：请先在卡片的「说明」中选一项，再点按钮。' : `操作未生效：${error.message}`;
    await client.sendMessage(inbound.userId, { msgtype: 'markdown', markdown: { content: told } });
  }
}
