// Never silent: a resident's message the classifiers could not decide — not confidently chat, not confidently
// an incident — goes before the grid worker of its group as a triage card (可能需要上报), and the resident is
// told a person will look. The worker files it (立案, choosing the category: the case opens as if classified)
// or ignores it (忽略, recorded, the resident told). Only confident chat is left alone.
import { randomUUID } from 'node:crypto';
import { In } from 'typeorm';
import type { Reader } from '../../storage/database';
import { ChatGroup, InboundMessage, Incident, Person, PostMember, TriageItem } from '../../storage/entities';
import { DISPATCH_POST, GRID_POST } from '../../seeds/taxonomy';
import { findForUpdateOrFail } from '../../storage/queries/rowLocks';
import type { HandlerContext } from '../context';
import { triageAckNotice, triageIgnoredNotice } from '../delivery/notices';
import { Outbox } from '../delivery/outbox';
import { buildTriageView, triageAsText, type TriageGuess } from '../delivery/triageView';
import { conflict, forbidden, invalid, notFound } from '../errors';
import type { TriageDecisionEvent, TriageView } from '../events';
import { openIncident } from '../incidents/openIncident';
import { claimMessage, TRIAGE_OUTCOME } from './claimMessage';

/** Who decides a triage card: the grid worker, or the dispatcher. */
const TRIAGE_POSTS = [GRID_POST, DISPATCH_POST];

export async function sendToTriage(
  where: { message: InboundMessage; group: ChatGroup; sender: Person },
  guesses: TriageGuess[],
  classifiedBy: string,
  context: HandlerContext,
  /** What the resident is told; by default that a grid worker will look. */
  ack?: string,
): Promise<void> {
  const { message, group, sender } = where;
  const now = context.clock();
  const cardGroup = (await context.groups.workerGroupOf(GRID_POST, message)) ?? (await context.groups.commandGroup());
  const outbox = await context.db.write(async (manager) => {
    const claimed = await claimMessage(manager, message.id, { status: 'done', code: TRIAGE_OUTCOME, classifiedBy, at: now });
    if (!claimed) return null;
    const outbox = new Outbox(manager, now);
    await outbox.add('text', group.id, ack ?? triageAckNotice(sender.name), { replyToMessageId: message.id });
    if (!cardGroup) {
      context.log.error({ messageId: message.id }, 'no grid worker or command group for a triage card; the item waits in GET /api/triage');
    }
    const item: TriageItem = {
      id: randomUUID(), messageId: message.id, cardGroupId: cardGroup?.id ?? group.id, guesses: JSON.stringify(guesses.slice(0, 3)),
      status: 'open', filedCategory: null, incidentId: null, decidedById: null, decidedAt: null, platformRef: null, createdAt: now, updatedAt: now,
    };
    await manager.insert(TriageItem, item);
    if (cardGroup) {
      const view = buildTriageView(item, { text: message.text, reporterName: sender.name, groupName: group.name, receivedAt: message.receivedAt, deciderName: null, incidentNumber: null }, context.taxonomy, context.timeZone);
      await outbox.add('triage_card', cardGroup.id, triageAsText(view), { cardId: item.id, replyToMessageId: message.id });
    }
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ messageId: message.id, guesses }, 'message sent to triage');
}

export interface TriageOutcome {
  card: TriageView;
  incidentId: string | null;
  changed: boolean;
}

/** 立案 or 忽略 by a grid worker (or the dispatcher); a repeat of what was decided changes nothing. */
export async function decideTriage(event: TriageDecisionEvent, context: HandlerContext): Promise<TriageOutcome> {
  const { read } = context.db;
  const item = await read.findOneBy(TriageItem, { id: event.triageId });
  if (!item) throw notFound(`triage item ${event.triageId} does not exist`);
  const worker = await read.findOneBy(Person, { platform: event.platform, platformUserId: event.userId });
  const holds = worker && (await read.existsBy(PostMember, { personId: worker.id, postCode: In(TRIAGE_POSTS) }));
  if (!worker || !holds) throw forbidden(`${event.userId} is neither a grid worker nor the dispatcher and cannot decide a triage card`);
  if (event.decision === 'file') {
    if (!event.category) throw invalid('立案 (file) needs "category": the taxonomy code to open the case with');
    if (!context.taxonomy.isIncidentCategory(event.category)) throw invalid(`category ${event.category} is not an incident category of the taxonomy`);
  }
  const repeated = (item.status === 'filed' && event.decision === 'file') || (item.status === 'ignored' && event.decision === 'ignore');
  if (repeated) return { card: await loadTriageView(context, item), incidentId: item.incidentId, changed: false };
  if (item.status !== 'open') throw conflict(`triage item ${item.id} is already ${item.status}`);

  const message = await read.findOneByOrFail(InboundMessage, { id: item.messageId });
  const group = await context.groups.group(message.groupId);
  const reporter = await read.findOneByOrFail(Person, { id: message.senderId });
  const now = context.clock();
  let incidentId: string | null = null;
  if (event.decision === 'file') {
    const incident = await openIncident(
      { message, group, reporter, classification: { category: event.category!, urgency: null, confidence: 1, source: `triage:${worker.name}` } },
      context,
      { fromTriage: true },
    );
    // Filed already by someone else's click in between: the message says which case.
    incidentId = incident?.id ?? (await read.findOneByOrFail(InboundMessage, { id: message.id })).incidentId;
  }
  const outbox = await context.db.write(async (manager) => {
    const locked = await findForUpdateOrFail(manager, TriageItem, { id: item.id });
    if (locked.status !== 'open') return null;
    const changes = {
      status: event.decision === 'file' ? ('filed' as const) : ('ignored' as const),
      filedCategory: event.decision === 'file' ? event.category! : null,
      incidentId, decidedById: worker.id, decidedAt: now, updatedAt: now,
      ...(event.replyRef ? { platformRef: event.replyRef } : {}),
    };
    await manager.update(TriageItem, { id: item.id }, changes);
    Object.assign(item, changes);
    const outbox = new Outbox(manager, now);
    const view = await triageViewIn(manager, context, item);
    await outbox.add('triage_update', item.cardGroupId, triageAsText(view), { cardId: item.id, ...(incidentId ? { incidentId } : {}) });
    if (event.decision === 'ignore') {
      await claimMessage(manager, message.id, { status: 'ignored', code: TRIAGE_OUTCOME, classifiedBy: `triage: ignored by ${worker.name}`, at: now }, 'triage');
      await outbox.add('text', group.id, triageIgnoredNotice(reporter.name), { replyToMessageId: message.id });
    }
    return outbox;
  });
  await outbox?.flush(context);
  context.log.info({ triage: item.id, decision: event.decision, category: event.category, by: event.userId }, 'triage decided');
  return { card: await loadTriageView(context, item), incidentId, changed: outbox !== null };
}

export function loadTriageView(context: HandlerContext, item: TriageItem): Promise<TriageView> {
  return triageViewIn(context.db.read, context, item);
}

async function triageViewIn(reader: Pick<Reader, 'findOneBy' | 'findOneByOrFail'>, context: HandlerContext, item: TriageItem): Promise<TriageView> {
  const message = await reader.findOneByOrFail(InboundMessage, { id: item.messageId });
  const reporter = await reader.findOneByOrFail(Person, { id: message.senderId });
  const group = await context.groups.group(message.groupId);
  const decider = item.decidedById ? await reader.findOneBy(Person, { id: item.decidedById }) : null;
  const incident = item.incidentId ? await reader.findOneBy(Incident, { id: item.incidentId }) : null;
  return buildTriageView(item, {
    text: message.text, reporterName: reporter.name, groupName: group.name, receivedAt: message.receivedAt, deciderName: decider?.name ?? null, incidentNumber: incident?.number ?? null,
  }, context.taxonomy, context.timeZone);
}
