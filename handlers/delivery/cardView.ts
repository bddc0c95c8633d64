// Describes a dispatch card for one post: title, urgency colour, place, the resident's words, deadlines
// and the buttons its state allows. Platform adapters render this; they decide nothing.
import { In } from 'typeorm';
import type { Reader } from '../../storage/database';
import { Assignment, Incident, type Card } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { DISPATCH_POST, type Taxonomy } from '../../seeds/taxonomy';
import type { CardView, UrgencyColour } from '../events';
import { availableCardActions } from '../incidents/incidentStateMachine';
import { localShortTime } from '../localTime';
import { URGENCY_LABEL } from './notices';

const COLOUR: Record<Incident['urgency'], UrgencyColour> = { critical: 'red', high: 'orange', normal: 'blue' };

export const BUTTON_TEXT = { accept: '接单', return: '退回', resolve: '办结' } as const;

const STATE_TEXT = { pending: '待接单', accepted: '已接单', returned: '已退回', resolved: '已办结' } as const;

export function buildCardView(
  incident: Incident,
  assignment: Assignment,
  card: Card,
  taxonomy: Taxonomy,
  timeZone: string,
): CardView {
  const category = taxonomy.category(incident.category);
  const post = taxonomy.post(assignment.postCode);
  const roleLabel = assignment.role === 'lead' ? '主办' : '协办';
  // The dispatcher is where returns land; it takes the case on or re-routes it, it cannot return it again.
  const canReturn = assignment.postCode !== DISPATCH_POST;
  const caseOpen = incident.status !== 'resolved' && incident.status !== 'closed' && incident.status !== 'merged';
  const buttons = caseOpen ? availableCardActions(assignment.status, { canReturn }) : [];
  const at = (date: Date | null) => (date ? localShortTime(date, timeZone) : '');
  const fields = [
    { label: '编号', value: incident.number },
    { label: '类别', value: `${category.name}（${URGENCY_LABEL[incident.urgency]}）` },
    { label: '地点', value: incident.place },
    { label: '居民原话', value: incident.text },
    { label: '接单时限', value: at(incident.acceptBy) },
    ...(incident.arriveBy ? [{ label: '到场时限', value: at(incident.arriveBy) }] : []),
    { label: '办结时限', value: at(incident.resolveBy) },
  ];
  if (assignment.note) fields.push({ label: assignment.status === 'returned' ? '退回理由' : '办理说明', value: assignment.note });
  return {
    id: card.id,
    incidentId: incident.id,
    incidentNumber: incident.number,
    title: `${assignment.role === 'assist' ? '【协办】' : ''}${category.name} · ${incident.number}`,
    role: assignment.role,
    roleLabel,
    post: post.code,
    postName: post.name,
    urgency: incident.urgency,
    colour: COLOUR[incident.urgency],
    fields,
    state: assignment.status,
    statusLine: card.lastActor
      ? `${card.lastActor} ${STATE_TEXT[assignment.status]} ${at(card.lastActionAt)}`
      : caseOpen ? STATE_TEXT[assignment.status] : `案件${incident.status === 'resolved' ? '已办结' : '已关闭'}`,
    buttons: buttons.map((key) => ({ key, text: BUTTON_TEXT[key], needsNote: key !== 'accept' })),
  };
}

/** The card as plain text, for the outbox record and platforms or clients that cannot show cards. */
export function cardAsText(view: CardView): string {
  const lines = [`【${view.roleLabel}派单】${view.title}`, ...view.fields.map((f) => `${f.label}：${f.value}`), `状态：${view.statusLine}`];
  if (view.buttons.length) lines.push(`操作：${view.buttons.map((b) => b.text).join(' / ')}`);
  return lines.join('\n');
}

/** Cards as they are now, read from the database in two queries whatever their number. */
export async function loadCardViews(
  reader: Reader,
  cards: Card[],
  context: Pick<HandlerContext, 'taxonomy' | 'timeZone'>,
): Promise<Map<string, CardView>> {
  const views = new Map<string, CardView>();
  if (cards.length === 0) return views;
  const incidents = new Map((await reader.findBy(Incident, { id: In(cards.map((c) => c.incidentId)) })).map((i) => [i.id, i]));
  const assignments = new Map((await reader.findBy(Assignment, { id: In(cards.map((c) => c.assignmentId)) })).map((a) => [a.id, a]));
  for (const card of cards) {
    const incident = incidents.get(card.incidentId);
    const assignment = assignments.get(card.assignmentId);
    if (!incident || !assignment) throw new Error(`card ${card.id}: its incident or assignment is missing`);
    views.set(card.id, buildCardView(incident, assignment, card, context.taxonomy, context.timeZone));
  }
  return views;
}
