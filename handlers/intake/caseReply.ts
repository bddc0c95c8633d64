// A resident's message about a case they already have: the case number with 满意 / 不满意 / 还是没解决 / 又…,
// a bare 满意 or 没解决 after a resolution notice, or a question ("A-20261202-0001 进度怎么样"). It closes,
// reopens or answers with the case's state; it never becomes a new report, and it is never ignored.
import type { EntityManager } from 'typeorm';
import { Assignment, Incident, Person, type ChatGroup, type InboundMessage } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';
import { LEVEL_NAME } from '../../seeds/taxonomy';
import type { HandlerContext } from '../context';
import { progressNotice, quotedBotHeader, unknownCaseNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { closeCase, reopenCase } from '../incidents/closeTheLoop';
import { recordTimeline, type Actor } from '../incidents/timeline';
import { claimMessage } from './claimMessage';

export type ReplyIntent = 'satisfied' | 'dissatisfied' | 'progress';

const CASE_NUMBER = /\b[A-Z]-\d{8}-\d{4}\b/;
const DISSATISFIED = /不满意|不太满意|差评|没(有)?(解决|处理|修好|弄好|效果|人管|人来)|未(解决|处理)|还是|还在|仍(然|旧)|依(然|旧)|又/;
const SATISFIED = /满意|好评|(已经?|都)?(解决|处理好|修好|弄好)了|谢谢|感谢|辛苦/;
/** A whole message that is only a verdict, answered without a number to the sender's case awaiting one. */
const BARE_VERDICT = /^(非常|很|挺|比较|不太|不)?满意|^(还是|还|仍然|依然)?(没|没有|未)(解决|处理|修好|弄好)|^(已经?)?(解决|处理好|修好)了/;
const BARE_VERDICT_MAX = 30;

/**
 * What the resident wrote, without the case number and without the bot's notice they quoted. A message that
 * opens with a notice is all quote unless the resident's words follow a separator line ("- - - -", as a
 * quoted reply reads); a pasted notice alone says nothing.
 */
export function residentWords(text: string): string {
  const own = quotedBotHeader(text) ? text.split(/\n\s*-[\s-]{3,}\n/).slice(1).join('\n') : text;
  return own
    .split(/\n/)
    .filter((line) => !quotedBotHeader(line) && !/请回复「|自动结案|^-[\s-]*$/.test(line.trim()))
    .join('\n')
    .replace(new RegExp(CASE_NUMBER.source, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s，,。.!！?？~、：:]+|[\s，,。.!！?？~、]+$/g, '');
}

export function replyIntent(words: string): ReplyIntent {
  if (DISSATISFIED.test(words)) return 'dissatisfied';
  if (SATISFIED.test(words)) return 'satisfied';
  return 'progress';
}

/** Returns true when the message was about an existing case and has been answered. */
export async function answerCaseReply(message: InboundMessage, from: { group: ChatGroup; sender: Person }, context: HandlerContext): Promise<boolean> {
  const number = CASE_NUMBER.exec(message.text)?.[0] ?? null;
  const words = residentWords(message.text);
  if (!words) return false;
  const read = context.db.read;
  let target: Incident | null = null;
  if (number) {
    target = await read.findOneBy(Incident, { number });
  } else if (words.length <= BARE_VERDICT_MAX && BARE_VERDICT.test(words)) {
    target = await read.findOne(Incident, { where: { reporterId: from.sender.id, status: 'resolved' }, order: { resolvedAt: 'DESC' } });
    if (!target) return false; // nothing awaits their answer: an ordinary message
  } else {
    return false;
  }

  const now = context.clock();
  const intent = replyIntent(words);
  const outbox = await context.db.write(async (manager) => {
    const outbox = new Outbox(manager, now);
    const incident = target && (await findForUpdate(manager, Incident, { id: target.id }));
    const claimed = await claimMessage(manager, message.id, {
      status: 'done', code: 'case_reply', classifiedBy: `case reply: ${incident ? intent : 'unknown number'}`, incidentId: incident?.id, at: now,
    });
    if (!claimed) return null;
    if (!incident) {
      await outbox.add('text', from.group.id, unknownCaseNotice(number ?? '', from.sender.name), { replyToMessageId: message.id });
      return outbox;
    }
    const resident: Actor = { name: from.sender.name, userId: from.sender.platformUserId };
    const isReporter = incident.reporterId === from.sender.id;
    const step = { manager, incident, outbox, context, now };
    if (isReporter && intent === 'satisfied' && incident.status === 'resolved') {
      await closeCase(step, resident);
    } else if (isReporter && intent === 'dissatisfied' && (incident.status === 'resolved' || incident.status === 'closed')) {
      await reopenCase(step, resident, words || message.text);
    } else {
      // A question, someone else's verdict, or words on a case still being handled: its state, and the words kept.
      if (intent !== 'progress' && words) await recordTimeline(manager, incident.id, now, 'resident_followup', resident, words);
      await outbox.add('text', from.group.id, await progressOf(manager, incident, from.sender.name, context, now), { incidentId: incident.id, replyToMessageId: message.id });
    }
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ messageId: message.id, incident: number ?? target?.number, intent }, 'resident reply about a case answered');
  return true;
}

async function progressOf(manager: EntityManager, incident: Incident, asker: string, context: HandlerContext, now: Date): Promise<string> {
  const lead = await manager.findOneBy(Assignment, { incidentId: incident.id, postCode: incident.leadPost });
  const owner = lead?.ownerId ? await manager.findOneBy(Person, { id: lead.ownerId }) : null;
  return progressNotice(incident, {
    categoryName: context.taxonomy.category(incident.category).name,
    postName: context.taxonomy.post(incident.leadPost).name,
    ownerName: owner?.name ?? null,
    levelName: LEVEL_NAME[incident.level],
    timeZone: context.timeZone,
    now,
  }, asker);
}
