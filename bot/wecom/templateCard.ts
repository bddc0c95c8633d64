// A dispatch card (CardView) as WeCom's `button_interaction` template card (platforms.md §3.3): the case in
// the title, its fields as horizontal content, the buttons the card's state allows. The card's id is the
// task_id, so a click names its card; a resend after a spent ResponseCode needs a new task_id (they are
// unique per app), so a suffix counts resends and `cardIdOfTask` reads the card id back.
import type { CardView, TriageView, VisitTaskView } from '../../handlers/events';
import type { VisitOutcome } from '../../storage/entities';
import { noteSelection } from './cardNotes';

const QUOTE_LABEL = '居民原话';
const NUMBER_LABEL = '编号';
const COLOUR = { red: 2, orange: 1, blue: 0 } as const; // desc_color: 2 red, 1 black, 0 grey
const BUTTON_STYLE: Record<string, number> = { accept: 1, resolve: 1, return: 2, reroute: 3, escalate: 4 };

/** WeCom's suggested lengths: longer text is cut by the client anyway, and an empty title is refused (41016). */
const cut = (text: string, length: number) => (text.length > length ? `${text.slice(0, length - 1)}…` : text);

export function cardIdOfTask(taskId: string): string {
  return taskId.replace(/_\d+$/, '');
}

export function buttonCard(card: CardView, taskId: string): Record<string, unknown> {
  return {
    card_type: 'button_interaction',
    source: { desc: `${card.roleLabel} · ${card.postName}`, desc_color: COLOUR[card.colour] },
    main_title: { title: cut(card.title || card.incidentNumber, 36), desc: cut(`${card.incidentNumber} ${card.statusLine}`, 44) },
    // The resident's words get the long text area; the number is in the title already. Photos are not uploaded
    // to WeCom: the card says how many there are, first, where a long quote cannot cut it off.
    sub_title_text: cut(photoNote(card) + (card.fields.find((field) => field.label === QUOTE_LABEL)?.value ?? ''), 160),
    horizontal_content_list: card.fields
      .filter((field) => field.label !== QUOTE_LABEL && field.label !== NUMBER_LABEL)
      .slice(0, 6)
      .map((field) => ({ keyname: cut(field.label, 5), value: cut(field.value, 30) })),
    task_id: taskId,
    ...(card.buttons.some((button) => button.needsNote) ? { button_selection: noteSelection() } : {}),
    button_list: buttonsOf(card),
  };
}

/**
 * A button card must have a button (41016 otherwise); one with none left shows its outcome on a button whose
 * key no handler knows, so a click on it changes nothing. 改派 needs posts chosen, which a WeCom card cannot
 * ask: the dispatcher re-routes from the sandbox or the API.
 */
function buttonsOf(card: CardView) {
  const buttons = card.buttons.filter((button) => !button.choosesPosts).slice(0, 6);
  if (!buttons.length) return [{ text: finishedButtonText(card), style: 2, key: FINISHED_KEY }];
  return buttons.map((button) => ({ text: cut(button.text, 10), style: BUTTON_STYLE[button.key] ?? 1, key: button.key }));
}

export const FINISHED_KEY = 'finished';

/** What a card with no buttons left says on its greyed-out button (主办已办结, 已退回 …). */
export function finishedButtonText(card: CardView): string {
  const last = card.statusLine.split('·').pop()?.trim() ?? '';
  return cut(last, 10) || '已处理';
}

/** The card as plain text, for channels without button cards (the group robot, a 1:1 text). */
export function cardMarkdown(card: CardView): string {
  const lines = [`**${card.roleLabel}｜${card.title}**`, `${card.incidentNumber} · ${card.postName}`, ...card.fields.map((f) => `> ${f.label}：${f.value}`)];
  if (card.photos.length) lines.push(`> 照片：${card.photos.length} 张`);
  lines.push(card.statusLine);
  return lines.join('\n');
}

/** "[照片 2 张] " before the resident's words when the report came with photos. */
function photoNote(card: CardView): string {
  return card.photos.length ? `[照片 ${card.photos.length} 张] ` : '';
}

/** A triage card's buttons carry these keys; its drop-down (question `category`) offers the best guesses first. */
export const TRIAGE_KEYS = { file: 'triage_file', ignore: 'triage_ignore' } as const;
export const CATEGORY_QUESTION_KEY = 'category';

export function triageButtonCard(card: TriageView, taskId: string): Record<string, unknown> {
  const open = card.buttons.length > 0;
  return {
    card_type: 'button_interaction',
    source: { desc: '可能需要上报 · 请网格员确认', desc_color: 1 },
    main_title: { title: cut(card.title, 36), desc: cut(`${card.reporterName} ${card.receivedAt} · ${card.statusLine}`, 44) },
    sub_title_text: cut(card.text, 160),
    horizontal_content_list: card.guesses.slice(0, 3).map((guess, i) => ({ keyname: `猜测${i + 1}`, value: `${guess.name} ${Math.round(guess.confidence * 100)}%` })),
    task_id: taskId,
    ...(open
      ? { button_selection: { question_key: CATEGORY_QUESTION_KEY, title: '立案类别', option_list: card.categories.slice(0, 10).map((c) => ({ id: c.code, text: cut(c.name, 16) })), selected_id: card.categories[0]?.code } }
      : {}),
    button_list: open
      ? [{ text: '立案', style: 1, key: TRIAGE_KEYS.file }, { text: '忽略', style: 2, key: TRIAGE_KEYS.ignore }]
      : [{ text: cut(card.statusLine, 10), style: 2, key: FINISHED_KEY }],
  };
}

/**
 * A 上门 task card's buttons: 接单 while offered; once taken, one 完成 button per outcome (a WeCom card cannot
 * ask a question and then act, and three buttons are one tap for a rider on a bike). The optional note is for
 * the sandbox and the API.
 */
export const VISIT_KEYS = { take: 'visit_take', done: { dissuaded: 'visit_done_dissuaded', not_home: 'visit_done_not_home', needs_police: 'visit_done_needs_police' } } as const;
const OUTCOME_STYLE: Record<VisitOutcome, number> = { dissuaded: 1, not_home: 2, needs_police: 4 };

/** The 上门 action a button key names, or null when the key is no visit-task button. */
export function visitActionOfKey(key: string): { action: 'take' } | { action: 'done'; outcome: VisitOutcome } | null {
  if (key === VISIT_KEYS.take) return { action: 'take' };
  const outcome = (Object.keys(VISIT_KEYS.done) as VisitOutcome[]).find((code) => VISIT_KEYS.done[code] === key);
  return outcome ? { action: 'done', outcome } : null;
}

export function visitTaskButtonCard(card: VisitTaskView, taskId: string): Record<string, unknown> {
  const shown = card.fields.filter((field) => field.label !== '编号' && field.label !== '原因');
  return {
    card_type: 'button_interaction',
    source: { desc: '上门劝阻 · 骑手志愿者', desc_color: card.overdue ? 2 : 1 },
    main_title: { title: cut(`上门劝阻 · ${card.address}`, 36), desc: cut(`${card.number} ${card.statusLine}`, 44) },
    // Why the household needs a visit gets the long text area.
    sub_title_text: cut(card.reason, 160),
    horizontal_content_list: shown.slice(0, 6).map((field) => ({ keyname: cut(field.label, 5), value: cut(field.value, 30) })),
    task_id: taskId,
    button_list: card.state === 'offered'
      ? [{ text: '接单', style: 1, key: VISIT_KEYS.take }]
      : card.state === 'taken'
        ? card.outcomes.map((outcome) => ({ text: cut(outcome.name, 10), style: OUTCOME_STYLE[outcome.code], key: VISIT_KEYS.done[outcome.code] }))
        : [{ text: visitFinishedText(card), style: 2, key: FINISHED_KEY }],
  };
}

/** What a task card with no buttons left says on its greyed-out button: the outcome, or 已取消. */
export function visitFinishedText(card: VisitTaskView): string {
  return cut(card.outcome?.name ?? (card.state === 'cancelled' ? '已取消' : card.statusLine), 10);
}
