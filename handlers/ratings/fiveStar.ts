// 五星评价 (three levels: grid worker, post, grid): a star score from the service figures. The formula is data
// (seeds/rating-weights.json, validated at start-up): a weighted mean of rates 0–1 — on-time accept, on-time
// resolve, 1 − reopen rate, satisfaction, daily-task completion — then scaled to stars. A part with no data
// (nothing decided in the period, or daily tasks, which are not recorded yet) is "not counted": its weight is
// left out and the others' are renormalised, so a post is not marked down for what nobody could measure.
import { readFileSync } from 'node:fs';
import { Between, In, Not } from 'typeorm';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { Assignment, Incident, OrgUnit, Person } from '../../storage/entities';
import { serviceFigures, type ServiceFigures } from '../../storage/queries/serviceStats';
import type { HandlerContext } from '../context';
import { statsOf } from '../digests/dailyDigest';
import { dailyTaskCompletion } from '../grid/dailyTasks';
import { localDay } from '../localTime';
import { GRID_POST } from '../../seeds/taxonomy';

export const RATING_PARTS = ['onTimeAccept', 'onTimeResolve', 'reopen', 'satisfaction', 'dailyTasks'] as const;
export type RatingPart = (typeof RATING_PARTS)[number];

const formulaSchema = z
  .object({
    _comment: z.string().optional(),
    weights: z.object(Object.fromEntries(RATING_PARTS.map((part) => [part, z.number().min(0).max(1)])) as Record<RatingPart, z.ZodNumber>).strict(),
    stars: z.object({ max: z.number().positive().max(10), decimals: z.number().int().min(0).max(2) }).strict(),
  })
  .strict()
  .refine((formula) => Object.values(formula.weights).some((weight) => weight > 0), { message: 'at least one weight must be above 0', path: ['weights'] });

export type RatingFormula = Omit<z.infer<typeof formulaSchema>, '_comment'>;

export function loadRatingFormula(file = fromProjectRoot('seeds', 'rating-weights.json')): RatingFormula {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`rating weights ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = formulaSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`rating weights ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  const { weights, stars } = parsed.data;
  return { weights, stars };
}

/** Each part's value 0–1, or null: not counted. */
export type RatingParts = Record<RatingPart, number | null>;

export function ratingParts(figures: ServiceFigures, dailyTasks: number | null = null): RatingParts {
  return {
    onTimeAccept: figures.onTimeAccept.rate,
    onTimeResolve: figures.onTimeResolve.rate,
    reopen: figures.reopen.rate === null ? null : 1 - figures.reopen.rate,
    satisfaction: figures.satisfaction.rate,
    dailyTasks,
  };
}

/** Stars for the parts, or null when no part with a weight has data. */
export function starsFor(parts: RatingParts, formula: RatingFormula): number | null {
  let weighted = 0;
  let weights = 0;
  for (const part of RATING_PARTS) {
    const value = parts[part];
    const weight = formula.weights[part];
    if (value === null || weight === 0) continue;
    weighted += weight * value;
    weights += weight;
  }
  if (weights === 0) return null;
  const factor = 10 ** formula.stars.decimals;
  return Math.round((weighted / weights) * formula.stars.max * factor) / factor;
}

export interface Rated {
  stars: number | null;
  parts: RatingParts;
  count: number;
}

/** `dailyTasks`: the share of 6+1 items the worker ticked off in the period, or null when they had no lists. */
const rate = (figures: ServiceFigures, formula: RatingFormula, dailyTasks: number | null = null): Rated => {
  const parts = ratingParts(figures, dailyTasks);
  return { stars: starsFor(parts, formula), parts, count: figures.count };
};

/** The ratings of the cases reported in [from, to): every post, every grid, every worker who accepted one. */
export async function rateServices(context: HandlerContext, formula: RatingFormula, period: { from: Date; to: Date }) {
  const now = context.clock();
  const stats = await statsOf(context, period, now);
  const posts = stats.byPost.map((row) => ({ code: row.post, name: row.postName, ...rate(row, formula) }));
  const gridNames = new Map((await context.db.read.find(OrgUnit)).map((unit) => [unit.code, unit.name]));
  const grids = stats.byGrid.map((row) => ({ code: row.grid, name: gridNames.get(row.grid) ?? row.gridName, ...rate(row, formula) }));

  // A worker's cases: those whose lead assignment they accepted.
  const incidents = await context.db.read.find(Incident, {
    where: { createdAt: Between(period.from, new Date(period.to.getTime() - 1)), status: Not('merged') },
  });
  const leads = incidents.length
    ? await context.db.read.find(Assignment, { where: { incidentId: In(incidents.map((i) => i.id)), role: 'lead', ownerId: Not('') } })
    : [];
  const byOwner = new Map<string, { post: string; incidents: Incident[] }>();
  const incidentById = new Map(incidents.map((i) => [i.id, i]));
  for (const lead of leads) {
    if (!lead.ownerId) continue;
    const entry = byOwner.get(lead.ownerId) ?? { post: lead.postCode, incidents: [] };
    entry.incidents.push(incidentById.get(lead.incidentId)!);
    byOwner.set(lead.ownerId, entry);
  }
  // Grid workers' 6+1 lists count for them too, also on a day they accepted no case.
  const days = { from: localDay(period.from, context.timeZone), to: localDay(new Date(period.to.getTime() - 1), context.timeZone) };
  const tasks = new Map((await dailyTaskCompletion(context.db.read, days)).map((row) => [row.personId, row]));
  for (const personId of tasks.keys()) if (!byOwner.has(personId)) byOwner.set(personId, { post: GRID_POST, incidents: [] });
  const share = (personId: string) => {
    const row = tasks.get(personId);
    return row && row.total > 0 ? row.done / row.total : null;
  };
  const people = byOwner.size ? new Map((await context.db.read.findBy(Person, { id: In([...byOwner.keys()]) })).map((p) => [p.id, p.name])) : new Map<string, string>();
  const workers = [...byOwner.entries()]
    .map(([personId, { post, incidents: theirs }]) => ({ personId, name: people.get(personId) ?? personId, post, ...rate(serviceFigures(theirs, now), formula, share(personId)) }))
    .sort((a, b) => (b.stars ?? -1) - (a.stars ?? -1) || a.name.localeCompare(b.name, 'zh'));
  return { formula, posts, grids, workers };
}
