// One incident for many reports: a neighbour's report of a problem an open case already tracks (the same
// trapped lift, the same missing manhole cover) joins that case — a timeline entry, a reporter in its list,
// 报告人 ×N on its cards, and the case's number in the reply — instead of opening another. "The same" is the
// measure in sameProblem.ts: category, place, alike words, within a window. Reports about a person (a fraud
// victim, an elderly resident, a theft from someone) are never joined: two are two people's cases.
import { randomUUID } from 'node:crypto';
import { In, MoreThanOrEqual, Not, type EntityManager } from 'typeorm';
import { Incident, IncidentReporter, type ChatGroup, type InboundMessage, type Person } from '../../storage/entities';
import { FINISHED } from '../../storage/queries/openIncidents';
import { SCAM_CONTENT_CATEGORY } from '../../seeds/taxonomy';
import type { HandlerContext } from '../context';
import { joinedReportNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { claimMessage } from '../intake/claimMessage';
import { refreshCards } from './caseChanges';
import { DEFAULT_SAME_PROBLEM_POLICY, isSameProblem, type SameProblemPolicy } from './sameProblem';
import { recordTimeline } from './timeline';

/** Categories whose reports are each about someone: never joined into another reporter's case. */
export const NEVER_JOINED: ReadonlySet<string> = new Set(['fraud_report', 'elderly_care', 'public_service', 'public_security', SCAM_CONTENT_CATEGORY]);

const CANDIDATES = 20;

export interface IncomingReport {
  category: string;
  placeKey: string | null;
  groupId: string;
  text: string;
  at: Date;
}

/**
 * The open case this report is the same problem as, with how alike the words were: among the category's
 * open cases of the window at the same place, or in the same chat when either names no place.
 */
export async function findSameProblem(
  manager: EntityManager,
  report: IncomingReport,
  policy: SameProblemPolicy = DEFAULT_SAME_PROBLEM_POLICY,
): Promise<{ incident: Incident; similarity: number } | null> {
  if (NEVER_JOINED.has(report.category)) return null;
  const open = { category: report.category, status: Not(In(FINISHED)), createdAt: MoreThanOrEqual(new Date(report.at.getTime() - policy.windowMs)) };
  const candidates = await manager.find(Incident, {
    where: report.placeKey ? [{ ...open, placeKey: report.placeKey }, { ...open, groupId: report.groupId }] : [{ ...open, groupId: report.groupId }],
    order: { createdAt: 'DESC' },
    take: CANDIDATES,
  });
  let best: { incident: Incident; similarity: number } | null = null;
  for (const incident of candidates) {
    const decision = isSameProblem(
      { category: incident.category, placeKey: incident.placeKey, text: incident.text, at: incident.createdAt },
      { category: report.category, placeKey: report.placeKey, text: report.text, at: report.at },
      policy,
    );
    if (decision.same && (!best || decision.similarity > best.similarity)) best = { incident, similarity: decision.similarity };
  }
  return best;
}

/** Inside the caller's transaction: the report joins the case; the reply tells the reporter its number. */
export async function joinSameProblem(
  manager: EntityManager,
  joining: { message: InboundMessage; incident: Incident; reporter: Person; group: ChatGroup; similarity: number },
  context: HandlerContext,
  now: Date,
): Promise<Outbox | null> {
  const { message, incident, reporter, group, similarity } = joining;
  const claimed = await claimMessage(manager, message.id, {
    status: 'done', code: incident.category, classifiedBy: `same problem as ${incident.number} (${similarity.toFixed(2)})`, incidentId: incident.id, at: now,
  });
  if (!claimed) return null;
  await manager.insert(IncidentReporter, { id: randomUUID(), incidentId: incident.id, personId: reporter.id, messageId: message.id, similarity, createdAt: now });
  // 报告人 ×N counts people: the first reporter, and each neighbour once however often they add to it.
  const others = await manager.find(IncidentReporter, { where: { incidentId: incident.id }, select: { personId: true } });
  const reportCount = new Set([incident.reporterId, ...others.map((r) => r.personId)]).size;
  incident.reportCount = reportCount;
  await manager.update(Incident, { id: incident.id }, { reportCount });
  await recordTimeline(manager, incident.id, now, 'joined_report', { name: reporter.name, userId: reporter.platformUserId }, message.text);

  const outbox = new Outbox(manager, now);
  await outbox.add('text', group.id, joinedReportNotice(incident, context.timeZone, reporter.name), { incidentId: incident.id, replyToMessageId: message.id });
  await refreshCards(manager, incident, outbox, context, now);
  return outbox;
}
