// 日调度: each morning the command group gets yesterday's figures — new, accepted on time, resolved, overdue,
// reopened, by post and by category — and the three oldest cases still open at the day's end.
import { periodEndFigures, serviceStats, type ServiceFigures } from '../../storage/queries/serviceStats';
import { In } from 'typeorm';
import { Person } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { dailyTaskCompletion } from '../grid/dailyTasks';
import { localDay, localShortTime } from '../localTime';
import { dailyDigestText } from './digestText';
import { previousDay, type Period } from './periods';
import { sendDigestOnce, type DigestSent } from './sendDigest';

/** The stats of a period as the digests and ratings read them (names from the taxonomy). */
export async function statsOf(context: HandlerContext, period: Pick<Period, 'from' | 'to'>, now = context.clock()) {
  const stats = await serviceStats(context.db.read, {
    from: period.from,
    to: period.to,
    now,
    dayOf: (date) => localDay(date, context.timeZone),
    postName: (code) => context.taxonomy.posts.get(code)?.name ?? code,
    categoryName: (code) => context.taxonomy.categories.get(code)?.name ?? code,
  });
  // serviceStats names its groups' keys at run time; their types are written out here.
  return {
    overall: stats.overall,
    byPost: stats.byPost as (ServiceFigures & { post: string; postName: string })[],
    byCategory: stats.byCategory as (ServiceFigures & { category: string; categoryName: string })[],
    byGrid: stats.byGrid as (ServiceFigures & { grid: string; gridName: string })[],
  };
}

export async function composeDailyDigest(context: HandlerContext, period: Period): Promise<string> {
  const stats = await statsOf(context, period);
  const end = await periodEndFigures(context.db.read, period);
  const text = dailyDigestText({
    day: period.start,
    overall: stats.overall,
    resolved: end.resolved,
    overdue: end.overdue,
    reopened: end.reopened,
    byPost: stats.byPost.map((post) => ({ ...post, name: post.postName })),
    byCategory: stats.byCategory.map((category) => ({ ...category, name: category.categoryName })).sort((a, b) => b.count - a.count),
    oldestOpen: end.oldestOpen.map((open) => ({
      number: open.number,
      category: context.taxonomy.categories.get(open.category)?.name ?? open.category,
      place: open.place,
      since: localShortTime(open.createdAt, context.timeZone),
    })),
  });
  return [text, await dailyTasksLine(context, period.start)].filter(Boolean).join('\n');
}

/** The grid workers' 6+1 lists of the day: items done, and who left some undone; nothing when no list went out. */
async function dailyTasksLine(context: HandlerContext, day: string): Promise<string | null> {
  const rows = await dailyTaskCompletion(context.db.read, { from: day, to: day });
  if (rows.length === 0) return null;
  const done = rows.reduce((n, row) => n + row.done, 0);
  const total = rows.reduce((n, row) => n + row.total, 0);
  const unfinished = rows.filter((row) => row.done < row.total);
  const names = unfinished.length ? new Map((await context.db.read.findBy(Person, { id: In(unfinished.map((row) => row.personId)) })).map((p) => [p.id, p.name])) : new Map<string, string>();
  const left = unfinished.map((row) => `${names.get(row.personId) ?? row.personId}（剩 ${row.total - row.done} 项）`).join('、');
  return `6+1 任务清单：完成 ${done}/${total} 项` + (left ? `；未完成：${left}` : '；全部完成');
}

export async function sendDailyDigest(context: HandlerContext): Promise<DigestSent> {
  const period = previousDay(context.clock(), context.timeZone);
  return sendDigestOnce(context, 'daily', period.start, () => composeDailyDigest(context, period));
}
