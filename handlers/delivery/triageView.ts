// A triage item as the card the grid worker sees: the resident's words, who and where, the classifiers' best
// guesses first in the category chooser, and 立案 / 忽略 while it is open.
import type { TriageItem } from '../../storage/entities';
import type { Taxonomy } from '../../seeds/taxonomy';
import type { TriageView } from '../events';
import { localShortTime } from '../localTime';

export interface TriageGuess {
  category: string;
  confidence: number;
}

const STATE_LINE = { open: '待网格员确认', filed: '已立案', ignored: '已忽略' } as const;

export function buildTriageView(
  item: TriageItem,
  about: { text: string; reporterName: string; groupName: string; receivedAt: Date; deciderName: string | null; incidentNumber: string | null },
  taxonomy: Taxonomy,
  timeZone: string,
): TriageView {
  const guesses = (JSON.parse(item.guesses) as TriageGuess[])
    .filter((guess) => taxonomy.isIncidentCategory(guess.category))
    .map((guess) => ({ category: guess.category, name: taxonomy.category(guess.category).name, confidence: guess.confidence }));
  const guessed = new Set(guesses.map((guess) => guess.category));
  const categories = [
    ...guesses.map((guess) => ({ code: guess.category, name: guess.name })),
    ...taxonomy.data.categories.filter((category) => !guessed.has(category.code)).map((category) => ({ code: category.code, name: category.name })),
  ];
  const decided = item.decidedAt && about.deciderName ? ` · ${about.deciderName} ${localShortTime(item.decidedAt, timeZone)}` : '';
  const filed = item.status === 'filed' && about.incidentNumber ? ` ${about.incidentNumber}` : '';
  return {
    kind: 'triage',
    id: item.id,
    title: `可能需要上报 · ${about.groupName}`,
    text: about.text,
    reporterName: about.reporterName,
    groupName: about.groupName,
    receivedAt: localShortTime(about.receivedAt, timeZone),
    guesses,
    categories,
    state: item.status,
    statusLine: `${STATE_LINE[item.status]}${filed}${decided}`,
    buttons: item.status === 'open'
      ? [{ key: 'file', text: '立案', choosesCategory: true }, { key: 'ignore', text: '忽略', choosesCategory: false }]
      : [],
  };
}

/** The card as plain text, for the outbox record and platforms without cards. */
export function triageAsText(view: TriageView): string {
  const guesses = view.guesses.map((guess) => `${guess.name} ${Math.round(guess.confidence * 100)}%`).join('、') || '无';
  const lines = [`【可能需要上报】${view.groupName} · ${view.reporterName}（${view.receivedAt}）`, `原话：${view.text}`, `系统猜测：${guesses}`, `状态：${view.statusLine}`];
  if (view.buttons.length) lines.push('操作：立案（选择类别）/ 忽略');
  return lines.join('\n');
}
