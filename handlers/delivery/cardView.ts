// Describes a dispatch card for one post: title, urgency colour, place, the resident's words, the report's
// photos, deadlines and the buttons its state allows. Platform adapters render this; they decide nothing.
import { In } from 'typeorm';
import type { Reader } from '../../storage/database';
import { Assignment, Attachment, Incident, type Card } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { DISPATCH_POST, LEVEL_NAME, levelAbove, type Taxonomy } from '../../seeds/taxonomy';
import type { CardView, UrgencyColour } from '../events';
import { availableCardActions, type AssignmentStatus, type CardAction } from '../incidents/incidentStateMachine';
import { humanDuration, localShortTime } from '../localTime';
import { FINISHED } from '../../storage/queries/openIncidents';
import { URGENCY_LABEL } from './notices';

const COLOUR: Record<Incident['urgency'], UrgencyColour> = { critical: 'red', high: 'orange', normal: 'blue' };

export const BUTTON_TEXT: Record<CardAction, string> = { accept: '接单', return: '退回', resolve: '办结', reroute: '改派', escalate: '上报' };

const STATE_TEXT: Record<AssignmentStatus, string> = { pending: '待接单', accepted: '已接单', returned: '已退回', resolved: '已办结', rerouted: '已改派' };

/** What the card's note is, by the state it was written in. */
const NOTE_LABEL: Record<AssignmentStatus, string> = {
  pending: '退回理由', // only the dispatcher's card has a note while pending: why the case came back
  accepted: '居民反馈', // only a reopened case has one: the resident's words
  returned: '退回理由',
  resolved: '办理说明',
  rerouted: '改派说明',
};

/**
 * The card as of its last update (card.updatedAt): the time left or over is what the card said when it was
 * sent, as a platform's card shows it, and every update (an action, an overdue step) refreshes it.
 */
export function buildCardView(
  incident: Incident,
  assignment: Assignment,
  card: Card,
  taxonomy: Taxonomy,
  timeZone: string,
  photos: CardView['photos'] = [],
): CardView {
  const category = taxonomy.category(incident.category);
  const post = taxonomy.post(assignment.postCode);
  const isDispatcher = assignment.postCode === DISPATCH_POST;
  const isLead = assignment.role === 'lead';
  const roleLabel = isLead ? '主办' : '协办';
  const caseOpen = !FINISHED.includes(incident.status);
  const buttons = caseOpen ? availableCardActions(assignment.status, { isDispatcher, canEscalate: isLead && levelAbove(incident.level) !== null }) : [];
  const asOf = card.updatedAt;
  const at = (date: Date) => localShortTime(date, timeZone);
  // The countdown belongs to the deadline this card is working against: accepting while pending, resolving once accepted.
  const countdown = (deadline: Date, runs: boolean) => (runs && caseOpen ? `（${timeLeft(deadline, asOf)}）` : '');
  const fields = [
    { label: '编号', value: incident.number },
    { label: '类别', value: `${category.name}（${URGENCY_LABEL[incident.urgency]}）` },
    { label: '处置层级', value: LEVEL_NAME[incident.level] },
    { label: '地点', value: incident.place },
    ...(incident.summary ? [{ label: '摘要', value: incident.summary }] : []),
    // A scam alert's words are the bait itself, and its line says who posted it where and how often.
    ...(incident.alertLine ? [{ label: '发布情况', value: incident.alertLine }, { label: '群内原文', value: incident.text }] : [{ label: '居民原话', value: incident.text }]),
    // Neighbours' reports of the same problem joined this case: how many people it affects is worth knowing.
    ...(incident.reportCount > 1 ? [{ label: '报告人', value: `×${incident.reportCount}` }] : []),
    { label: '接单时限', value: at(incident.acceptBy) + countdown(incident.acceptBy, assignment.status === 'pending' && isLead) },
    ...(incident.arriveBy ? [{ label: '到场时限', value: at(incident.arriveBy) }] : []),
    { label: '办结时限', value: at(incident.resolveBy) + countdown(incident.resolveBy, assignment.status === 'accepted' && isLead) },
  ];
  if (assignment.note) fields.push({ label: NOTE_LABEL[assignment.status], value: assignment.note });
  const finishedLine = incident.status === 'merged' ? '案件已合并' : incident.status === 'closed' ? '案件已关闭' : isLead ? '案件已办结' : '主办已办结';
  return {
    kind: 'dispatch',
    id: card.id,
    incidentId: incident.id,
    incidentNumber: incident.number,
    title: `${isLead ? '' : '【协办】'}${category.name} · ${incident.number}`,
    role: assignment.role,
    roleLabel,
    post: post.code,
    postName: post.name,
    watching: card.watching,
    urgency: incident.urgency,
    colour: COLOUR[incident.urgency],
    fields,
    state: assignment.status,
    statusLine: [
      card.lastActor && card.lastActionAt ? `${card.lastActor} ${STATE_TEXT[assignment.status]} ${at(card.lastActionAt)}` : caseOpen ? STATE_TEXT[assignment.status] : '',
      caseOpen ? '' : finishedLine,
    ].filter(Boolean).join(' · '),
    buttons: buttons.map((key) => ({
      key,
      text: key === 'accept' && isDispatcher ? '接办' : BUTTON_TEXT[key],
      needsNote: key === 'return' || key === 'resolve' || key === 'escalate',
      ...(key === 'reroute' ? { choosesPosts: true } : {}),
    })),
    photos,
  };
}

/** "剩余 3 分钟" before the deadline, "已超时 12 分钟" after it. */
export function timeLeft(deadline: Date, asOf: Date): string {
  const ms = deadline.getTime() - asOf.getTime();
  return ms >= 0 ? `剩余 ${humanDuration(ms)}` : `已超时 ${humanDuration(-ms)}`;
}

/** The card as plain text, for the outbox record and platforms or clients that cannot show cards. */
export function cardAsText(view: CardView): string {
  const lines = [`【${view.roleLabel}派单】${view.title}`, ...view.fields.map((f) => `${f.label}：${f.value}`), `状态：${view.statusLine}`];
  if (view.photos.length) lines.push(`照片：${view.photos.length} 张`);
  if (view.buttons.length) lines.push(`操作：${view.buttons.map((b) => b.text).join(' / ')}`);
  return lines.join('\n');
}

/** Where a card's viewer fetches a photo: the admin API, unless the platform serves them its own way. */
export type PhotoUrl = (attachmentId: string) => string;
const ADMIN_PHOTO_URL: PhotoUrl = (id) => `/api/attachments/${encodeURIComponent(id)}`;

/** Cards as they are now, read from the database in three queries whatever their number. */
export async function loadCardViews(
  reader: Reader,
  cards: Card[],
  context: Pick<HandlerContext, 'taxonomy' | 'timeZone'>,
  photoUrl: PhotoUrl = ADMIN_PHOTO_URL,
): Promise<Map<string, CardView>> {
  const views = new Map<string, CardView>();
  if (cards.length === 0) return views;
  const incidents = new Map((await reader.findBy(Incident, { id: In(cards.map((c) => c.incidentId)) })).map((i) => [i.id, i]));
  const assignments = new Map((await reader.findBy(Assignment, { id: In(cards.map((c) => c.assignmentId)) })).map((a) => [a.id, a]));
  const photos = await storedPhotos(reader, [...incidents.values()].map((i) => i.sourceMessageId));
  for (const card of cards) {
    const incident = incidents.get(card.incidentId);
    const assignment = assignments.get(card.assignmentId);
    if (!incident || !assignment) throw new Error(`card ${card.id}: its incident or assignment is missing`);
    const shown = (photos.get(incident.sourceMessageId) ?? []).map((id) => ({ id, url: photoUrl(id) }));
    views.set(card.id, buildCardView(incident, assignment, card, context.taxonomy, context.timeZone, shown));
  }
  return views;
}

/**
 * The ids of the stored images of each message, in the order sent. Only the report that opened the case: a
 * neighbour's photos of a joined report stay with their own message. Pending ones appear once downloaded
 * (fetchAttachments refreshes the cards then).
 */
async function storedPhotos(reader: Reader, messageIds: string[]): Promise<Map<string, string[]>> {
  const byMessage = new Map<string, string[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await reader.find(Attachment, {
    where: { messageId: In([...new Set(messageIds)]), kind: 'image', status: 'stored' },
    select: { id: true, messageId: true, position: true },
    order: { messageId: 'ASC', position: 'ASC' },
  });
  for (const row of rows) byMessage.set(row.messageId, [...(byMessage.get(row.messageId) ?? []), row.id]);
  return byMessage;
}
