// The inbound job: classify a stored message and act on what it is. Chat is recorded and left alone,
// a question is answered or handed to the grid worker, anything else becomes a dispatched incident.
import { CHAT, CONSULT } from '../seeds/taxonomy';
import { ChatGroup, InboundMessage, Person, PostMember, type ChatGroupKind } from '../storage/entities';
import { answerConsultation } from './answerConsultation';
import { claimMessage } from './claimMessage';
import type { HandlerContext, InboundJob } from './context';
import { openIncident } from './openIncident';
import { processingFailedNotice } from './notices';
import { describeFailure, noticeToCommandCentre } from './commandCentre';

/** Where residents and rider volunteers report; worker and command groups are for handling, not reporting. */
const REPORT_CHANNELS: ReadonlySet<ChatGroupKind> = new Set(['resident', 'volunteer']);

export async function processInboundMessage(job: InboundJob, context: HandlerContext): Promise<void> {
  const messages = context.dataSource.getRepository(InboundMessage);
  const message = await messages.findOneBy({ id: job.messageId });
  if (!message) {
    context.log.error({ messageId: job.messageId }, 'inbound job for a message that is not stored; dropped');
    return;
  }
  if (message.status !== 'received') return; // handled by an earlier run of this job

  await messages.increment({ id: message.id }, 'attempts', 1);
  const group = await context.dataSource.getRepository(ChatGroup).findOneByOrFail({ id: message.groupId });
  const sender = await context.dataSource.getRepository(Person).findOneByOrFail({ id: message.senderId });

  if (!REPORT_CHANNELS.has(group.kind) || (await holdsAnyPost(context, sender))) {
    // Worker and command groups are for handling; and a grid worker answering residents in their group
    // ("飞线已经拆了") is staff talk, not a new report.
    await context.transaction((manager) => claimMessage(manager, message.id, { status: 'ignored', code: null, classifiedBy: null, at: context.clock() }));
    return;
  }

  const classification = await context.classifier.classify(message.text);
  context.log.info({ messageId: message.id, ...classification }, 'message classified');

  if (classification.category === CHAT) {
    await context.transaction((manager) =>
      claimMessage(manager, message.id, { status: 'done', code: CHAT, classifiedBy: classification.source, at: context.clock() }),
    );
  } else if (classification.category === CONSULT) {
    await answerConsultation(message, group, sender, classification, context);
  } else {
    await openIncident({ message, group, reporter: sender, classification }, context);
  }
}

function holdsAnyPost(context: HandlerContext, person: Person): Promise<boolean> {
  return context.dataSource.getRepository(PostMember).existsBy({ personId: person.id });
}

/** Called when a run of the inbound job fails; after the last attempt the message lands with the command centre. */
export async function recordInboundFailure(job: InboundJob, error: Error, isFinal: boolean, context: HandlerContext): Promise<void> {
  const messages = context.dataSource.getRepository(InboundMessage);
  const reason = describeFailure(error);
  if (!isFinal) {
    await messages.update({ id: job.messageId }, { lastError: reason });
    return;
  }
  const now = context.clock();
  const outbox = await context.transaction(async (manager) => {
    const message = await manager.findOneBy(InboundMessage, { id: job.messageId });
    if (!message || message.status !== 'received') return null;
    await manager.update(InboundMessage, { id: message.id }, { status: 'failed', lastError: reason, handledAt: now });
    const group = await manager.findOneByOrFail(ChatGroup, { id: message.groupId });
    const sender = await manager.findOneByOrFail(Person, { id: message.senderId });
    return noticeToCommandCentre(manager, now, processingFailedNotice(group.name, sender.name, message.text, reason), {
      replyToMessageId: message.id,
    });
  });
  await outbox?.flush(context);
  context.log.error({ messageId: job.messageId, err: error }, 'inbound message failed after all attempts; command centre told');
}
