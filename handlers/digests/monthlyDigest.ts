// 月晾晒: on the 1st, last month's figures of every post and every grid side by side, those with no cases too.
import { OrgUnit } from '../../storage/entities';
import type { HandlerContext } from '../context';
import { statsOf } from './dailyDigest';
import { monthlyDigestText, type GroupFigures } from './digestText';
import { previousMonth, type Period } from './periods';
import { sendDigestOnce, type DigestSent } from './sendDigest';
import { serviceFigures } from '../../storage/queries/serviceStats';

export async function composeMonthlyDigest(context: HandlerContext, period: Period): Promise<string> {
  const stats = await statsOf(context, period);
  const none = (name: string): GroupFigures => ({ name, ...serviceFigures([], period.to) });
  const posts = [...context.taxonomy.posts.values()].map((post) => {
    const found = stats.byPost.find((row) => row.post === post.code);
    return found ? { ...found, name: post.name } : none(post.name);
  });
  const grids = (await context.db.read.find(OrgUnit, { where: { kind: 'grid' }, order: { code: 'ASC' } })).map((grid) => {
    const found = stats.byGrid.find((row) => row.grid === grid.code);
    return found ? { ...found, name: grid.name } : none(grid.name);
  });
  return monthlyDigestText({ month: period.start.slice(0, 7), posts, grids });
}

export async function sendMonthlyDigest(context: HandlerContext): Promise<DigestSent> {
  const period = previousMonth(context.clock(), context.timeZone);
  return sendDigestOnce(context, 'monthly', period.start, () => composeMonthlyDigest(context, period));
}
