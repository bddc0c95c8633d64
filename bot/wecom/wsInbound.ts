// What the bot does with each frame of its long connection: the same messages and events as the webhook
// (botCallback.ts), answered on the connection. A message is stored and its receipt follows as a push; a
// card click acts on its card, and the card update answers the click's frame (within WeCom's 5 s).
import type { WSClient, WsFrame } from '@wecom/aibot-node-sdk';
import type { HandlerContext } from '../../handlers/context';
import { parseBotCallback } from './botMessage';
import { WELCOME, takeBotMessage, type BotCallbackOptions } from './botCallback';
import { cardHandle, messageHandle } from './replyHandles';
import { actOnWecomClick } from './cardClicks';

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

  const refusal = await actOnWecomClick(
    {
      eventKey: inbound.eventKey, taskId: inbound.taskId, userId: inbound.userId, selectedItems: inbound.selectedItems,
      // The click's frame is the handle: the card update answers it (wecomDelivery.updateCard).
      replyRef: cardHandle({ taskId: inbound.taskId, responseCode: null, frame: { reqId: frame.headers.req_id, at: context.clock().getTime() } }),
    },
    context,
  );
  if (refusal) await client.sendMessage(inbound.userId, { msgtype: 'markdown', markdown: { content: refusal } });
}
