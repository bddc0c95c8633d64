// The bot's cards as a DingTalk interactive card (互动卡片): one template for every kind (dispatch, triage,
// 上门 task), built once in the card platform (card.dingtalk.com) from bot/dingtalk/card-template.md, filled
// through its string variables (cardParamMap values must be strings: lists travel as JSON). Each button's
// action id says what it does, so a click is routed without looking the card up first.
import type { DeliverableCard } from '../../handlers/events';

export type CardParamMap = Record<string, string>;

/** Action ids: a dispatch card's actions as they are (accept, return …), the other kinds prefixed. */
export const TRIAGE_ACTION = { file: 'triage.file', ignore: 'triage.ignore' } as const;
export const VISIT_TAKE = 'visit.take';
export const VISIT_DONE_PREFIX = 'visit.done.';

interface CardButton {
  id: string;
  text: string;
  /** Whether the template shows the note box with it (退回 / 办结 / 上报 need a note). */
  withNote: boolean;
}

function buttonsOf(card: DeliverableCard): CardButton[] {
  if (card.kind === 'dispatch') return card.buttons.map((b) => ({ id: b.key, text: b.text, withNote: b.needsNote }));
  if (card.kind === 'triage') return card.buttons.map((b) => ({ id: TRIAGE_ACTION[b.key], text: b.text, withNote: false }));
  // A 6+1 list is ticked in the sandbox: on DingTalk it is read-only, its body the checklist.
  if (card.kind === 'daily_tasks') return [];
  // 完成 is one button per outcome: a card cannot ask a second question after the click.
  return card.buttons.flatMap((b): CardButton[] =>
    b.choosesOutcome ? card.outcomes.map((o) => ({ id: `${VISIT_DONE_PREFIX}${o.code}`, text: `完成：${o.name}`, withNote: true })) : [{ id: VISIT_TAKE, text: b.text, withNote: false }],
  );
}

function bodyOf(card: DeliverableCard): string {
  if (card.kind === 'daily_tasks') return card.items.map((i) => (i.done ? `~~${i.position}. ${i.title}~~（${i.doneAt} 完成）` : `${i.position}. ${i.title}`)).join('\n\n');
  if (card.kind === 'triage') {
    const guesses = card.guesses.map((g) => g.name).join('、');
    return [`**居民原话**：${card.text}`, `**报告人**：${card.reporterName}（${card.groupName}）`, `**时间**：${card.receivedAt}`, guesses ? `**可能类别**：${guesses}` : ''].filter(Boolean).join('\n\n');
  }
  return card.fields.map((f) => `**${f.label}**：${f.value}`).join('\n\n');
}

function colourOf(card: DeliverableCard): string {
  if (card.kind === 'dispatch') return card.colour;
  if (card.kind === 'visit_task') return card.overdue ? 'red' : 'orange';
  if (card.kind === 'daily_tasks') return 'green';
  return 'blue';
}

/** The template's variables for a card as it is now. */
export function cardParams(card: DeliverableCard): CardParamMap {
  const buttons = buttonsOf(card);
  return {
    title: card.title,
    colour: colourOf(card),
    body: bodyOf(card),
    status: card.statusLine,
    buttons: JSON.stringify(buttons),
    hasButtons: buttons.length ? 'true' : 'false',
  };
}

/** The card as markdown, where no card can go (a sessionWebhook, a chat without the card template). */
export function cardMarkdown(card: DeliverableCard): { title: string; text: string } {
  const params = cardParams(card);
  return { title: card.title, text: [`### ${card.title}`, params.body, `状态：${params.status}`].join('\n\n') };
}
