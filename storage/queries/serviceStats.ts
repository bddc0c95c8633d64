// How well the street keeps its promises, for GET /api/stats: of the cases reported in a period, how many
// were accepted and resolved in time, closed within 24 hours, reopened, and what residents answered; overall
// and by lead post, category, grid and local day. Each rate carries its numerator and denominator, and only
// counts cases whose question is decided: a case still inside its accept limit is neither on time nor late.
//
// Read as one range scan of ix_incidents_created over a narrow projection and counted here: the conditions
// compare two columns plus 24 hours, which SQLite and MySQL spell differently, and a period is at most 366
// days of one street's reports (tens of thousands of rows), so portability wins over a GROUP BY per database.
import { Between, IsNull, LessThan, MoreThanOrEqual, Not } from 'typeorm';
import type { Reader } from '../database';
import { Incident, OrgUnit, TimelineEntry } from '../entities';

export interface Rate {
  /** met / of, null when nothing is decided yet. */
  rate: number | null;
  met: number;
  of: number;
}

export interface ServiceFigures {
  /** Cases reported in the period (merged duplicates left out). */
  count: number;
  /** Of them, not yet resolved or closed. */
  open: number;
  onTimeAccept: Rate;
  onTimeResolve: Rate;
  closedWithin24h: Rate;
  reopen: Rate;
  satisfaction: Rate;
}

type Row = Pick<Incident, 'createdAt' | 'acceptBy' | 'acceptedAt' | 'resolveBy' | 'resolvedAt' | 'closedAt' | 'status' | 'reopenCount' | 'satisfaction' | 'leadPost' | 'category' | 'orgUnitCode'>;

const DAY_MS = 24 * 3_600_000;

class Counter {
  met = 0;
  of = 0;
  count(decided: boolean, met: boolean): void {
    if (!decided) return;
    this.of += 1;
    if (met) this.met += 1;
  }
  get rate(): Rate {
    return { rate: this.of ? Math.round((this.met / this.of) * 10_000) / 10_000 : null, met: this.met, of: this.of };
  }
}

/** The figures of a set of cases, as of `now`. */
export function serviceFigures(rows: Row[], now: Date): ServiceFigures {
  const accept = new Counter();
  const resolve = new Counter();
  const closure = new Counter();
  const reopen = new Counter();
  const satisfaction = new Counter();
  let open = 0;
  for (const row of rows) {
    const resolvedOrClosed = row.resolvedAt !== null || row.closedAt !== null;
    if (row.status !== 'resolved' && row.status !== 'closed') open += 1;
    accept.count(row.acceptedAt !== null || row.acceptBy <= now, row.acceptedAt !== null && row.acceptedAt <= row.acceptBy);
    resolve.count(row.resolvedAt !== null || row.resolveBy <= now, row.resolvedAt !== null && row.resolvedAt <= row.resolveBy);
    closure.count(row.closedAt !== null || now.getTime() - row.createdAt.getTime() >= DAY_MS, row.closedAt !== null && row.closedAt.getTime() - row.createdAt.getTime() <= DAY_MS);
    reopen.count(resolvedOrClosed || row.reopenCount > 0, row.reopenCount > 0);
    satisfaction.count(row.satisfaction !== null, row.satisfaction === 'satisfied');
  }
  return {
    count: rows.length,
    open,
    onTimeAccept: accept.rate,
    onTimeResolve: resolve.rate,
    closedWithin24h: closure.rate,
    reopen: reopen.rate,
    satisfaction: satisfaction.rate,
  };
}

export interface StatsPeriod {
  from: Date;
  to: Date;
  now: Date;
  /** The local day of an instant, e.g. "2026-12-02". */
  dayOf: (date: Date) => string;
  postName: (code: string) => string;
  categoryName: (code: string) => string;
}

export async function serviceStats(reader: Reader, period: StatsPeriod) {
  const rows: Row[] = await reader.find(Incident, {
    select: {
      createdAt: true, acceptBy: true, acceptedAt: true, resolveBy: true, resolvedAt: true, closedAt: true,
      status: true, reopenCount: true, satisfaction: true, leadPost: true, category: true, orgUnitCode: true,
    },
    // [from, to): Between is inclusive, so the last millisecond before `to`.
    where: { createdAt: Between(period.from, new Date(period.to.getTime() - 1)), status: Not('merged') },
  });
  const grids = new Map((await reader.find(OrgUnit)).map((unit) => [unit.code, unit.name]));
  const by = <K extends string>(key: (row: Row) => string, label: K, describe: (value: string) => Record<string, string>) => {
    const groups = new Map<string, Row[]>();
    for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([value, members]) => ({ [label]: value, ...describe(value), ...serviceFigures(members, period.now) }));
  };
  return {
    overall: serviceFigures(rows, period.now),
    byPost: by((row) => row.leadPost, 'post', (code) => ({ postName: period.postName(code) })),
    byCategory: by((row) => row.category, 'category', (code) => ({ categoryName: period.categoryName(code) })),
    byGrid: by((row) => row.orgUnitCode ?? 'unknown', 'grid', (code) => ({ gridName: grids.get(code) ?? '未知' })),
    byDay: by((row) => period.dayOf(row.createdAt), 'day', () => ({})),
  };
}

export interface OpenCase {
  number: string;
  category: string;
  place: string;
  leadPost: string;
  createdAt: Date;
}

/**
 * For the command centre's digests: what a period's end looked like. Open as of `to` is reported before it and
 * neither resolved nor closed before it; overdue is such a case past its resolve limit, or not yet accepted past
 * its accept limit. Reopened counts the 不满意 reopenings recorded in [from, to), whatever day the case came in.
 */
export async function periodEndFigures(reader: Reader, period: { from: Date; to: Date }) {
  const rows = await reader.find(Incident, {
    select: { number: true, category: true, place: true, leadPost: true, createdAt: true, acceptBy: true, acceptedAt: true, resolveBy: true, resolvedAt: true, closedAt: true },
    where: [
      { createdAt: LessThan(period.to), resolvedAt: IsNull(), closedAt: IsNull(), status: Not('merged') },
      { createdAt: LessThan(period.to), resolvedAt: MoreThanOrEqual(period.to), status: Not('merged') },
      { createdAt: LessThan(period.to), closedAt: MoreThanOrEqual(period.to), status: Not('merged') },
    ],
    order: { createdAt: 'ASC' },
  });
  const before = (at: Date | null) => at !== null && at < period.to;
  const open = rows.filter((row) => !before(row.resolvedAt) && !before(row.closedAt));
  const overdue = open.filter((row) => row.resolveBy < period.to || (!before(row.acceptedAt) && row.acceptBy < period.to));
  const resolved = await reader.count(Incident, { where: { resolvedAt: Between(period.from, new Date(period.to.getTime() - 1)) } });
  const reopened = await reader.count(TimelineEntry, { where: { type: 'reopened', at: Between(period.from, new Date(period.to.getTime() - 1)) } });
  const oldestOpen: OpenCase[] = open.slice(0, 3).map(({ number, category, place, leadPost, createdAt }) => ({ number, category, place, leadPost, createdAt }));
  return { open: open.length, overdue: overdue.length, resolved, reopened, oldestOpen };
}

/** The places most reported in [from, to) (by gazetteer key, else the words given), most first. */
export async function topPlaces(reader: Reader, period: { from: Date; to: Date }, limit: number): Promise<{ place: string; count: number }[]> {
  const rows = await reader.find(Incident, {
    select: { place: true, placeKey: true },
    where: { createdAt: Between(period.from, new Date(period.to.getTime() - 1)), status: Not('merged') },
  });
  const counts = new Map<string, { place: string; count: number }>();
  for (const row of rows) {
    if (!row.place) continue;
    const key = row.placeKey ?? row.place;
    const entry = counts.get(key) ?? { place: row.place, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.place.localeCompare(b.place, 'zh')).slice(0, limit);
}
