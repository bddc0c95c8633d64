// 日调度: each morning the command group gets yesterday's figures — new, accepted on time, resolved, overdue,
// reopened, by post and by category — and the three oldest cases still open at the day's end.
import { periodEndFigures, serviceStats, type ServiceFigures } from '../../storage/queries/serviceStats';
import type { HandlerContext } from '../context';
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
  return dailyDigestText({
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
}

export async function sendDailyDigest(context: HandlerContext): Promise<DigestSent> {
  const period = previousDay(context.clock(), context.timeZone);
  return sendDigestOnce(context, 'daily', period.start, () => composeDailyDigest(context, period));
}
