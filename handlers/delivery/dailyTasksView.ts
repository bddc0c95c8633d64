// A grid worker's 6+1 任务清单 as the card the GRID group sees, and the evening notice of unfinished lists.
// Platform adapters render it; they decide nothing.
import type { DailyTaskItem, DailyTaskList } from '../../storage/entities';
import type { DailyTasksView } from '../events';
import { localShortTime } from '../localTime';

export function buildDailyTasksView(list: DailyTaskList, items: DailyTaskItem[], worker: { name: string; platformUserId: string }, timeZone: string): DailyTasksView {
  const workerName = worker.name;
  const sorted = [...items].sort((a, b) => a.position - b.position);
  const done = sorted.filter((item) => item.doneAt).length;
  return {
    kind: 'daily_tasks',
    id: list.id,
    title: `6+1 任务清单 · ${workerName} · ${list.day}`,
    workerName,
    workerUserId: worker.platformUserId,
    day: list.day,
    fields: sorted.map((item) => ({ label: `${item.doneAt ? '✅' : '⬜'} ${item.position}`, value: item.title + (item.doneAt ? `（${localShortTime(item.doneAt, timeZone)} 完成）` : '') })),
    items: sorted.map((item) => ({ position: item.position, title: item.title, done: item.doneAt !== null, doneAt: item.doneAt ? localShortTime(item.doneAt, timeZone) : null })),
    statusLine: done === sorted.length ? `已全部完成 ${done}/${sorted.length}` : `已完成 ${done}/${sorted.length}`,
  };
}

/** The card as markdown text, for the outbox record and platforms without this card (WeCom, DingTalk). */
export function dailyTasksAsText(view: DailyTasksView): string {
  const lines = view.items.map((item) => (item.done ? `- ~~${item.position}. ${item.title}~~（${item.doneAt} 完成）` : `- ${item.position}. ${item.title}`));
  return [`【6+1 任务清单】${view.workerName} ${view.day}`, ...lines, `状态：${view.statusLine}`].join('\n');
}

/** To the GRID group in the evening: whose lists are unfinished, and what is left on each. */
export function unfinishedDailyTasksNotice(day: string, unfinished: { workerName: string; left: string[] }[]): string {
  const lines = unfinished.map((u) => `${u.workerName}：还剩 ${u.left.length} 项（${u.left.join('；')}）`);
  return [`【6+1 任务清单】${day} 未完成的清单 ${unfinished.length} 份：`, ...lines].join('\n');
}
