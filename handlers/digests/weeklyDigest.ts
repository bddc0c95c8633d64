// 周复盘: every Monday, last week against the week before, the categories and places reported most, and the
// volunteers who earned most points (handlers/volunteers/points.ts; points since last Monday, so a digest
// sent late on Monday counts that morning's points too).
import { periodEndFigures, topPlaces } from '../../storage/queries/serviceStats';
import type { HandlerContext } from '../context';
import { pointsTable } from '../volunteers/points';
import { statsOf } from './dailyDigest';
import { weeklyDigestText, type WeekFigures } from './digestText';
import { previousWeek, type Period } from './periods';
import { sendDigestOnce, type DigestSent } from './sendDigest';

async function weekFigures(context: HandlerContext, period: Period): Promise<WeekFigures & { byCategory: { name: string; count: number }[] }> {
  const stats = await statsOf(context, period);
  const end = await periodEndFigures(context.db.read, period);
  return {
    overall: stats.overall,
    resolved: end.resolved,
    reopened: end.reopened,
    byCategory: stats.byCategory.map((c) => ({ name: c.categoryName, count: c.count })),
  };
}

export async function composeWeeklyDigest(context: HandlerContext, now: Date): Promise<string> {
  const week = previousWeek(now, context.timeZone);
  const thisWeek = await weekFigures(context, week);
  const lastWeek = await weekFigures(context, previousWeek(now, context.timeZone, 2));
  const volunteers = await pointsTable(context.db.read, week.from);
  return weeklyDigestText({
    week: week.start,
    thisWeek,
    lastWeek,
    topCategories: [...thisWeek.byCategory].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name, 'zh')).slice(0, 3),
    topPlaces: await topPlaces(context.db.read, week, 3),
    topVolunteers: volunteers.slice(0, 3).map((v) => ({ name: v.name, points: v.points })),
  });
}

export async function sendWeeklyDigest(context: HandlerContext): Promise<DigestSent> {
  const now = context.clock();
  return sendDigestOnce(context, 'weekly', previousWeek(now, context.timeZone).start, () => composeWeeklyDigest(context, now));
}
