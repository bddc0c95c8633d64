// The inbound job: decide what a stored message is and act on it. In order: worker groups and staff talk
// are recorded only; a flood is throttled; a reply about an existing case (its number, 满意, 没解决) closes,
// reopens or answers it; a quote of the bot's own notice is not a new report; the same
// report again joins its open case; then the classifier and the scam detector decide: bait is warned about
// and alerted to police (once per sender and text a day), chat is recorded, a question is answered or handed
// to the grid worker, anything else becomes a dispatched incident.
import { CHAT, CONSULT, POLICE_POST, SCAM_CONTENT_CATEGORY } from '../../seeds/taxonomy';
import { Attachment, ChatGroup, InboundMessage, Person, PostMember, type ChatGroupKind } from '../../storage/entities';
import { answerConsultation } from './answerConsultation';
import { claimMessage } from './claimMessage';
import type { HandlerContext, InboundJob } from '../context';
import { floodVerdict, throttleMessage } from './floodGuard';
import { openIncident } from '../incidents/openIncident';
import { processingFailedNotice, quotedBotHeader } from '../delivery/notices';
import { describeFailure, noticeToCommandCentre } from '../delivery/commandCentre';
import { findRepeatedReport, joinRepeatedReport } from './repeatReport';
import { answerCaseReply } from './caseReply';
import { answerPlaceQuestion } from './placeAnswer';
import { answerPointsQuestion } from '../volunteers/pointsQuestion';
import { isBindingCommand } from '../organisation/bindingCommand';
import { sendToTriage } from './triage';
import { broadcastPoliceWarning, policeWarningText } from '../fraud/policeWarning';
import { offerVisitTaskFromChat } from '../fraud/visitTasks';
import { detectScamBait } from '../fraud/scamBait';
import { scamBaitOf } from '../fraud/scamAlert';

/** Where residents and rider volunteers report; worker and command groups are for handling, not reporting. */
const REPORT_CHANNELS: ReadonlySet<ChatGroupKind> = new Set(['resident', 'volunteer']);

export async function processInboundMessage(job: InboundJob, context: HandlerContext): Promise<void> {
  const { read, write } = context.db;
  const message = await read.findOneBy(InboundMessage, { id: job.messageId });
  if (!message) {
    context.log.error({ messageId: job.messageId }, 'inbound job for a message that is not stored; dropped');
    return;
  }
  if (message.status !== 'received') return; // handled by an earlier run of this job

  const group = await context.groups.group(message.groupId);
  const sender = await read.findOneByOrFail(Person, { id: message.senderId });
  const recordOnly = async (why: string) => {
    await write((manager) => claimMessage(manager, message.id, { status: 'ignored', code: null, classifiedBy: why, at: context.clock() }));
    context.metrics.inbound(message.platform, 'ignored');
  };

  // The platform adapter has acted on it (or refused a non-admin); it is no report.
  if (isBindingCommand(message.text)) return void (await recordOnly('a chat binding command (绑定 …)'));
  // 预警 from a community police officer in the police post's group: broadcast to every resident and rider group.
  const warning = group.kind === 'worker' && group.postCode === POLICE_POST ? policeWarningText(message.text) : null;
  if (warning && (await read.existsBy(PostMember, { personId: sender.id, postCode: POLICE_POST }))) {
    await broadcastPoliceWarning({ text: warning, sentBy: `${sender.name}（${context.taxonomy.post(POLICE_POST).name}）`, sourceMessage: message }, context);
    return context.metrics.inbound(message.platform, 'done');
  }
  // 上门 from a community police officer in the police post's group: a door-to-door task offered to the riders.
  if (await offerVisitTaskFromChat(message, group, sender, context)) return context.metrics.inbound(message.platform, 'done');
  if (!REPORT_CHANNELS.has(group.kind)) return void (await recordOnly(`${group.kind} group: not a report channel`));
  // A grid worker answering residents in their group ("飞线已经拆了") is staff talk, not a new report.
  if (await read.existsBy(PostMember, { personId: sender.id })) return void (await recordOnly('staff talk: the sender holds a post'));

  const flood = await floodVerdict(message, context);
  if (flood) {
    await throttleMessage(message, { group, sender }, flood, context);
    return context.metrics.inbound(message.platform, 'throttled');
  }

  // About a case they already have (its number, or a bare 满意 / 没解决 after a resolution): answered, not reported.
  if (await answerCaseReply(message, { group, sender }, context)) return context.metrics.inbound(message.platform, 'done');
  if (await answerPointsQuestion(message, { group, sender }, context)) return context.metrics.inbound(message.platform, 'done');
  // Where it is, answering the receipt's question about their case that named no place.
  if (await answerPlaceQuestion(message, { group, sender }, context)) return context.metrics.inbound(message.platform, 'joined');

  const botHeader = quotedBotHeader(message.text);
  if (botHeader) return void (await recordOnly(`quotes the bot's 【${botHeader}】 notice`));

  const repeated = await findRepeatedReport(read, { reporterId: sender.id, text: message.text, at: message.receivedAt }, context.policy.repeatWindowMs);
  if (repeated) {
    const now = context.clock();
    const outbox = await write((manager) => joinRepeatedReport(manager, { message, incident: repeated, reporter: sender, group }, context, now));
    await outbox?.flush(context);
    context.log.info({ messageId: message.id, incident: repeated.number }, 'repeated report joined its open incident');
    return context.metrics.inbound(message.platform, 'joined');
  }

  const classification = await context.classifier.classify(message.text);
  context.log.info({ messageId: message.id, ...classification }, 'message classified');
  // Scam bait is decided by the detector, with the classifier's verdict as one signal among others: a
  // public warning accuses a neighbour, so the classifier alone does not make one.
  const hasImage = await read.existsBy(Attachment, { messageId: message.id, kind: 'image' });
  const scam = detectScamBait({ text: message.text, hasImage, classifiedAs: classification.category });

  if (scam.isBait) {
    const bait = scamBaitOf(message.text, scam, message.receivedAt, context.timeZone);
    const asAlert = { ...classification, category: SCAM_CONTENT_CATEGORY, urgency: null, triage: undefined };
    await openIncident({ message, group, reporter: sender, classification: asAlert, scam: bait }, context);
  } else if (classification.category === SCAM_CONTENT_CATEGORY) {
    const guesses = [{ category: SCAM_CONTENT_CATEGORY, confidence: classification.confidence }, ...(classification.triage ?? []).filter((g) => g.category !== SCAM_CONTENT_CATEGORY)];
    await sendToTriage({ message, group, sender }, guesses, `${classification.source}: scam_content, not confirmed by the scam detector (${scam.signals.join('、') || 'no bait signals'})`, context);
  } else if (classification.triage) {
    await sendToTriage({ message, group, sender }, classification.triage, `${classification.source}: undecided (${classification.category} ${classification.confidence})`, context);
  } else if (classification.category === CHAT) {
    await write((manager) => claimMessage(manager, message.id, { status: 'done', code: CHAT, classifiedBy: classification.source, at: context.clock() }));
  } else if (classification.category === CONSULT) {
    await answerConsultation(message, group, sender, classification, context);
  } else {
    await openIncident({ message, group, reporter: sender, classification }, context);
  }
  context.metrics.inbound(message.platform, 'done');
}

/** Called when a run of the inbound job fails; after the last attempt the message lands with the command centre. */
export async function recordInboundFailure(job: InboundJob, error: Error, isFinal: boolean, context: HandlerContext): Promise<void> {
  const reason = describeFailure(error);
  const now = context.clock();
  const failed = await context.db.write(async (manager) => {
    const message = await manager.findOneBy(InboundMessage, { id: job.messageId });
    if (!message || message.status !== 'received') return null;
    // Attempts are counted when one ends: here, or in claimMessage. One commit fewer per message.
    const attempts = message.attempts + 1;
    if (!isFinal) {
      await manager.update(InboundMessage, { id: message.id }, { lastError: reason, attempts });
      return null;
    }
    await manager.update(InboundMessage, { id: message.id }, { status: 'failed', lastError: reason, handledAt: now, attempts });
    const group = await manager.findOneByOrFail(ChatGroup, { id: message.groupId });
    const sender = await manager.findOneByOrFail(Person, { id: message.senderId });
    const outbox = await noticeToCommandCentre(manager, now, processingFailedNotice(group.name, sender.name, message.text, reason), {
      replyToMessageId: message.id,
    });
    return { outbox, platform: message.platform };
  });
  if (!failed) return;
  await failed.outbox?.flush(context);
  context.metrics.inbound(failed.platform, 'failed');
  context.log.error({ messageId: job.messageId, err: error }, 'inbound message failed after all attempts; command centre told');
}
