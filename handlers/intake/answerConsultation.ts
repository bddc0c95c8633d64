// 咨询: a question with nothing to fix. Answer it from the street's answer list, or hand it to the
// grid worker and tell the resident so; either way nobody is left without a reply.
import { GRID_POST } from '../../seeds/taxonomy';
import { ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import { claimMessage } from './claimMessage';
import type { Classification } from '../classify/types';
import type { HandlerContext } from '../context';
import { consultForGridWorker, consultForwardedNotice } from '../delivery/notices';
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
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, {
      status: 'done', code: classification.category, classifiedBy: classification.source, at: now,
    });
    if (!claimed) return null;
    const outbox = new Outbox(manager, now);
    if (known) {
      await outbox.add('text', group.id, known.answer, { replyToMessageId: message.id });
      return outbox;
    }
    const gridGroup = await context.groups.workerGroupOf(GRID_POST, message);
    if (gridGroup) {
      await outbox.add('text', gridGroup.id, consultForGridWorker(group.name, asker.name, message.text), { replyToMessageId: message.id });
      await outbox.add('text', group.id, consultForwardedNotice(asker.name), { replyToMessageId: message.id });
    } else {
      context.log.warn({ messageId: message.id }, 'consultation unanswered: no answer matched and there is no GRID worker group');
    }
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ messageId: message.id, answered: known?.topic ?? 'forwarded to grid worker' }, 'consultation handled');
}
