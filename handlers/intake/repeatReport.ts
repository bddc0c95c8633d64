// The same resident posting the same report again (impatient, or unsure it arrived) joins the case already
// open for it: a timeline entry and a reply with the existing number, never a second incident and cards.
// Reports of the same thing by different residents are merged later, by similarity; this is the exact repeat.
import { MoreThanOrEqual, Not, In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { Incident, type ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import { claimMessage } from './claimMessage';
import type { HandlerContext } from '../context';
import type { Reader } from '../../storage/database';
import { repeatReportNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { recordTimeline } from '../incidents/timeline';
import { FINISHED } from '../../storage/queries/openIncidents';
import { SCAM_CONTENT_CATEGORY } from '../../seeds/taxonomy';

/** The text as a repeat is recognised: width, case, spaces, punctuation and emoji do not make it new. */
export function reportFingerprint(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The reporter's open incident with the same text, opened within the repeat window, if any. */
export async function findRepeatedReport(
  reader: Reader | EntityManager,
  report: { reporterId: string; text: string; at: Date },
  windowMs: number,
): Promise<Incident | null> {
  if (windowMs <= 0) return null; // repeats are not joined (REPEAT_WINDOW_MINUTES=0)
  const recent = await reader.find(Incident, {
    // Scam bait posted again is counted under its alert (handlers/fraud/scamAlert.ts), never answered as a report.
    where: { reporterId: report.reporterId, createdAt: MoreThanOrEqual(new Date(report.at.getTime() - windowMs)), status: Not(In(FINISHED)), category: Not(SCAM_CONTENT_CATEGORY) },
    order: { createdAt: 'DESC' },
    take: 50,
  });
  const fingerprint = reportFingerprint(report.text);
  return recent.find((incident) => reportFingerprint(incident.text) === fingerprint) ?? null;
}

/** Inside the caller's transaction: claims the message for the earlier incident, records it, answers. */
export async function joinRepeatedReport(
  manager: EntityManager,
  repeat: { message: InboundMessage; incident: Incident; reporter: Person; group: ChatGroup },
  context: HandlerContext,
  now: Date,
): Promise<Outbox | null> {
  const { message, incident, reporter, group } = repeat;
  const claimed = await claimMessage(manager, message.id, {
    status: 'done', code: incident.category, classifiedBy: `repeat of ${incident.number}`, incidentId: incident.id, at: now,
  });
  if (!claimed) return null;
  await recordTimeline(manager, incident.id, now, 'repeat_report', { name: reporter.name, userId: reporter.platformUserId }, message.text);
  const outbox = new Outbox(manager, now);
  await outbox.add('text', group.id, repeatReportNotice(incident, context.timeZone, reporter.name), { incidentId: incident.id, replyToMessageId: message.id });
  return outbox;
}
