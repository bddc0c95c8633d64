// The command centre's digests as Chinese text: pure formatting of figures already counted, so the wording is
// tested without a database. Rates read "met/of（pct%）", and "—" when nothing in the period was decided.
import type { Rate, ServiceFigures } from '../../storage/queries/serviceStats';

export const rateText = (rate: Rate): string => (rate.of === 0 ? '—' : `${rate.met}/${rate.of}（${Math.round((rate.met / rate.of) * 1000) / 10}%）`);
const percent = (rate: Rate): string => (rate.of === 0 ? '—' : `${Math.round((rate.met / rate.of) * 1000) / 10}%`);

export interface GroupFigures extends ServiceFigures {
  name: string;
}

export interface DailyFigures {
  day: string;
  overall: ServiceFigures;
  resolved: number;
  overdue: number;
  reopened: number;
  byPost: GroupFigures[];
  byCategory: GroupFigures[];
  /** The oldest cases still open at the day's end: number, what, where, since when (local "12-01 09:05"). */
  oldestOpen: { number: string; category: string; place: string; since: string }[];
}

/** 日调度 */
export function dailyDigestText(f: DailyFigures): string {
  const lines = [
    `【日调度】${f.day}`,
    `新增 ${f.overall.count} 件，按时受理 ${rateText(f.overall.onTimeAccept)}，办结 ${f.resolved} 件，超期 ${f.overdue} 件，重开 ${f.reopened} 件`,
  ];
  if (f.byPost.length) {
    lines.push('按岗位：');
    for (const post of f.byPost) lines.push(`· ${post.name}：新增 ${post.count}，按时受理 ${rateText(post.onTimeAccept)}，按时办结 ${rateText(post.onTimeResolve)}`);
  }
  if (f.byCategory.length) {
    lines.push('按类别：');
    for (const category of f.byCategory) lines.push(`· ${category.name}：${category.count} 件`);
  }
  lines.push(f.oldestOpen.length ? '最久未办结：' : '最久未办结：无');
  for (const open of f.oldestOpen) lines.push(`· ${open.number} ${open.category} ${open.place}（${open.since} 起）`);
  return lines.join('\n');
}

export interface WeekFigures {
  overall: ServiceFigures;
  resolved: number;
  reopened: number;
}

const delta = (now: number, before: number) => (now === before ? '持平' : now > before ? `+${now - before}` : `${now - before}`);

/** 周复盘: the week against the week before, the categories and places that came back most, the top volunteers. */
export function weeklyDigestText(f: {
  week: string;
  thisWeek: WeekFigures;
  lastWeek: WeekFigures;
  topCategories: { name: string; count: number }[];
  topPlaces: { place: string; count: number }[];
  topVolunteers: { name: string; points: number }[];
}): string {
  const row = (label: string, now: number, before: number) => `· ${label}：${now}（上周 ${before}，${delta(now, before)}）`;
  const rateRow = (label: string, now: Rate, before: Rate) => `· ${label}：${percent(now)}（上周 ${percent(before)}）`;
  const lines = [
    `【周复盘】${f.week} 起一周`,
    row('新增', f.thisWeek.overall.count, f.lastWeek.overall.count),
    row('办结', f.thisWeek.resolved, f.lastWeek.resolved),
    row('重开', f.thisWeek.reopened, f.lastWeek.reopened),
    rateRow('按时受理率', f.thisWeek.overall.onTimeAccept, f.lastWeek.overall.onTimeAccept),
    rateRow('按时办结率', f.thisWeek.overall.onTimeResolve, f.lastWeek.overall.onTimeResolve),
    rateRow('满意率', f.thisWeek.overall.satisfaction, f.lastWeek.overall.satisfaction),
    `高发类别：${f.topCategories.map((c) => `${c.name} ${c.count} 件`).join('，') || '无'}`,
    `高发地点：${f.topPlaces.map((p) => `${p.place} ${p.count} 件`).join('，') || '无'}`,
    `志愿者之星：${f.topVolunteers.map((v) => `${v.name} ${v.points} 分`).join('，') || '无'}`,
  ];
  return lines.join('\n');
}

/** 月晾晒: every post's and grid's figures side by side. */
export function monthlyDigestText(f: { month: string; posts: GroupFigures[]; grids: GroupFigures[] }): string {
  const row = (g: GroupFigures) =>
    `· ${g.name}：新增 ${g.count}，按时受理 ${percent(g.onTimeAccept)}，按时办结 ${percent(g.onTimeResolve)}，重开率 ${percent(g.reopen)}，满意率 ${percent(g.satisfaction)}`;
  return [`【月晾晒】${f.month}`, '岗位：', ...(f.posts.length ? f.posts.map(row) : ['· 无']), '网格：', ...(f.grids.length ? f.grids.map(row) : ['· 无'])].join('\n');
}
