// A classified report becomes an incident: numbered, placed, given deadlines, dispatched to its lead and
// assisting posts as cards, and answered in the resident's group with a receipt (or, for scam bait, a warning:
// handlers/fraud/scamAlert.ts).
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { ChatGroup, Incident, OrgUnit, Person, type InboundMessage } from '../../storage/entities';
import { findForUpdate } from '../../storage/queries/rowLocks';
import { DISPATCH_POST, type Category } from '../../seeds/taxonomy';
import { claimMessage } from '../intake/claimMessage';
import type { Classification } from '../classify/types';
import type { HandlerContext } from '../context';
import { serviceDeadlines } from './deadlines';
import { incidentTransition } from './incidentStateMachine';
import { nextIncidentNumber } from './incidentNumber';
import { classifierName, receiptNotice, unboundChatNote, URGENCY_LABEL } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { dispatchToPost } from './dispatchToPost';
import { describePlace } from './place';
import { findRepeatedReport, joinRepeatedReport } from '../intake/repeatReport';
import { alertOpenedToday, joinScamAlert, recordSighting, warnGroup, type ScamBait } from '../fraud/scamAlert';
import { noticeHotspot } from './hotspots';
import { awardReportPoints } from '../volunteers/points';
import { findSameProblem, joinSameProblem } from './joinSameProblem';
import { locateReport } from './locateReport';
import { BOT, recordTimeline } from './timeline';
import { tellReporter } from './caseChanges';

export interface Report {
  message: InboundMessage;
  group: ChatGroup;
  reporter: Person;
  classification: Classification;
  /** Set when the message is scam bait (the reporter is who posted it): the case is an alert to police. */
  scam?: ScamBait;
}

/** `fromTriage`: the grid worker filed (立案) a message that waited in triage. */
export async function openIncident(report: Report, context: HandlerContext, options: { fromTriage?: boolean } = {}): Promise<Incident | null> {
  const { message, group, reporter, classification } = report;
  const { taxonomy } = context;
  const category = taxonomy.category(classification.category);
  const urgency = classification.urgency ?? category.urgency;
  const now = context.clock();
  const place = locateReport(message.text, group, context.gazetteer, { name: message.locationName, latitude: message.latitude, longitude: message.longitude });
  const placeKey = place.located?.key ?? null;
  // Scam bait needs no place, and a case a person filed from triage is not joined into another.
  const mayJoin = !report.scam && !options.fromTriage;

  const opened = await context.db.write(async (manager) => {
    // Checked again here, in the transaction that would open the case: the same text twice at once
    // (two jobs side by side) must still give one incident. The reporter's row is locked first, so on
    // MySQL a second report of theirs waits for this one to commit, then finds it.
    await findForUpdate(manager, Person, { id: reporter.id });
    const sighting = report.scam && { message, group, sender: reporter, bait: report.scam };
    if (sighting) {
      const alert = await alertOpenedToday(manager, sighting);
      const outbox = alert && (await joinScamAlert(manager, sighting, alert, context, now));
      if (alert) return outbox && { incident: alert, outbox, isNew: false };
    } else {
      const repeated = await findRepeatedReport(manager, { reporterId: reporter.id, text: message.text, at: message.receivedAt }, context.policy.repeatWindowMs);
      if (repeated) {
        const outbox = await joinRepeatedReport(manager, { message, incident: repeated, reporter, group }, context, now);
        return outbox && { incident: repeated, outbox, isNew: false };
      }
    }
    if (mayJoin) {
      // Neighbours reporting one problem at once wait for each other here (the chat's row, then the place's
      // grid), so the second finds the first's case; the same order everywhere, so they never deadlock.
      await findForUpdate(manager, ChatGroup, { id: group.id });
      if (place.located) await findForUpdate(manager, OrgUnit, { code: place.located.orgUnitCode });
      const same = await findSameProblem(manager, { category: category.code, placeKey, groupId: group.id, text: message.text, at: message.receivedAt });
      if (same) {
        const outbox = await joinSameProblem(manager, { message, incident: same.incident, reporter, group, similarity: same.similarity }, context, now);
        return outbox && { incident: same.incident, outbox, isNew: false };
      }
    }
    const id = randomUUID();
    const claimed = await claimMessage(manager, message.id, {
      status: 'done', code: category.code, classifiedBy: classification.source, incidentId: id, at: now,
    }, options.fromTriage ? 'triage' : 'received');
    if (!claimed) return null;

    // Where the words place it, else where the reporter lives, else the chat's own unit.
    const orgUnitCode = place.located?.orgUnitCode ?? reporter.homeOrgUnitCode ?? group.orgUnitCode;
    const orgUnit = orgUnitCode ? await manager.findOneBy(OrgUnit, { code: orgUnitCode }) : null;
    const incident = manager.create(Incident, {
      id,
      number: await nextIncidentNumber(manager, now, context.timeZone),
      category: category.code,
      urgency,
      status: 'new',
      confidence: classification.confidence,
      classifiedBy: classification.source,
      summary: classification.summary?.slice(0, 64) ?? null,
      alertLine: null,
      text: message.text,
      place: describePlace(orgUnit?.name ?? null, message.text, place.fromLocation ?? classification.place).slice(0, 200),
      placeKey,
      // Asked once, in the receipt, when a worker could not find it from the words (scam bait has no place).
      placeAskedAt: place.usable || report.scam ? null : now,
      reportCount: 1,
      orgUnitCode,
      groupId: group.id,
      reporterId: reporter.id,
      sourceMessageId: message.id,
      // A chat nobody has bound yet says nothing of where the case is: the dispatcher places it first.
      leadPost: orgUnitCode ? category.lead : DISPATCH_POST,
      ...serviceDeadlines(category, urgency, now, context.policy.slaScale),
      acceptedAt: null,
      resolvedAt: null,
      closedAt: null,
      level: category.level,
      reopenCount: 0,
      satisfaction: null,
      clockRound: 0,
      clockStartedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    await manager.insert(Incident, incident);

    const resident = { name: reporter.name, userId: reporter.platformUserId };
    await recordTimeline(manager, id, now, 'reported', resident, message.text);
    await recordTimeline(
      manager, id, now, 'classified', BOT,
      `${category.name}，${URGENCY_LABEL[urgency]}，置信度 ${classification.confidence.toFixed(2)}，由${classifierName(classification.source)}判断`,
    );

    // An alert's card shows who posted the bait where and how often it was seen: recorded before dispatch.
    const groupWarnedToday = sighting ? (await recordSighting(manager, sighting, incident, now)).groupWarnedToday : false;
    const outbox = new Outbox(manager, now);
    await dispatch(manager, incident, category, outbox, context, now);
    await noticeHotspot(manager, incident, outbox, context, now);
    await awardReportPoints(manager, incident, context.pointRules, now);

    if (sighting) {
      if (!groupWarnedToday) await warnGroup(manager, outbox, sighting, incident, now);
    } else {
      const notice = receiptNotice(incident, {
        categoryName: category.name,
        leadPostName: taxonomy.post(incident.leadPost).name,
        assistPostNames: incident.leadPost === category.lead ? category.assist.map((code) => taxonomy.post(code).name) : [],
        timeZone: context.timeZone,
        askPlace: incident.placeAskedAt !== null,
      }, { name: reporter.name, text: message.text });
      // Through tellReporter: who has a reporter to answer (not a device alarm) is decided there.
      if (await tellReporter(outbox, incident, notice, message.id)) await recordTimeline(manager, id, now, 'receipt_sent', BOT, notice);
    }
    return { incident, outbox, isNew: true };
  });

  if (!opened) return null;
  await opened.outbox.flush(context);
  if (!opened.isNew) return opened.incident;
  context.metrics.incidentOpened(category.code, urgency);
  context.log.info(
    { incident: opened.incident.number, messageId: message.id, category: category.code, urgency },
    'incident opened and dispatched',
  );
  return opened.incident;
}

/** Sends the case to its lead post (主办) and assisting posts (协办): an assignment and a card for each. */
async function dispatch(
  manager: EntityManager,
  incident: Incident,
  category: Category,
  outbox: Outbox,
  context: HandlerContext,
  now: Date,
): Promise<void> {
  const step = incidentTransition(incident.status, 'dispatch');
  if (!step.allowed) throw new Error(`incident ${incident.number}: ${step.reason}`);
  const group = await context.groups.group(incident.groupId);
  const posts: { code: string; role: 'lead' | 'assist'; note?: string }[] = incident.orgUnitCode
    ? [{ code: category.lead, role: 'lead' }, ...category.assist.map((code) => ({ code, role: 'assist' as const }))]
    : [{ code: DISPATCH_POST, role: 'lead', note: unboundChatNote(group.name, context.taxonomy.post(category.lead).name) }];
  const missing: string[] = [];
  for (const post of posts) {
    const sent = await dispatchToPost(manager, incident, post, outbox, context, now);
    const { code } = post;
    if (!sent) missing.push(code);
  }
  incident.status = step.to;
  await manager.update(Incident, { id: incident.id }, { status: step.to });
  const names = posts.map((p) => `${p.role === 'lead' ? '主办' : '协办'} ${context.taxonomy.post(p.code).name}`);
  const note = names.join('；') + (missing.length ? `。未找到工作群：${missing.join(', ')}，卡片已发指挥中心` : '');
  await recordTimeline(manager, incident.id, now, 'dispatched', BOT, note);
}
