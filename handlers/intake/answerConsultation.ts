// 咨询: a question with nothing to fix. Answer it from the street's answer list (best match), or put it
// before the grid worker as a triage card and tell the resident so; nobody is left without a reply.
import { ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import { claimMessage } from './claimMessage';
import type { Classification } from '../classify/types';
import type { HandlerContext } from '../context';
import { consultForwardedNotice } from '../delivery/notices';
import { sendToTriage } from './triage';
import { Outbox } from '../delivery/outbox';

export async function answerConsultation(
  message: InboundMessage,
  group: ChatGroup,
  asker: Person,
  classification: Classification,
  context: HandlerContext,
): Promise<void> {
  const now = context.clock();
  const known = context.consultAnswers.find(message.text);
  if (!known) {
    // No good answer: a person answers, rather than the bot giving a wrong one. The question goes before the
    // grid worker as a triage card (they answer in the group and 忽略, or 立案 if it is a problem after all).
    await sendToTriage({ message, group, sender: asker }, classification.triage ?? [], `${classification.source}: a question with no known answer`, context, consultForwardedNotice(asker.name));
    context.log.info({ messageId: message.id }, 'consultation without a known answer sent to the grid worker');
    return;
  }
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, {
      status: 'done', code: classification.category, classifiedBy: classification.source, at: now,
    });
    if (!claimed) return null;
    const outbox = new Outbox(manager, now);
    await outbox.add('text', group.id, known.answer, { replyToMessageId: message.id });
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ messageId: message.id, answered: known.topic }, 'consultation answered');
}
