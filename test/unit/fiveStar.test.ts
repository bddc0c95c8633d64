// 五星评价: the star formula is a weighted mean of the parts that have data, renormalised, scaled to stars;
// the weights file is validated at start-up.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRatingFormula, ratingParts, starsFor, type RatingFormula } from '../../handlers/ratings/fiveStar';
import { serviceFigures } from '../../storage/queries/serviceStats';

const formula: RatingFormula = {
  weights: { onTimeAccept: 0.25, onTimeResolve: 0.25, reopen: 0.15, satisfaction: 0.2, dailyTasks: 0.15 },
  stars: { max: 5, decimals: 1 },
};
const all = (value: number) => ({ onTimeAccept: value, onTimeResolve: value, reopen: value, satisfaction: value, dailyTasks: value });

describe('the five-star formula', () => {
  it('gives 5 stars for everything met and 0 for nothing met', () => {
    expect(starsFor(all(1), formula)).toBe(5);
    expect(starsFor(all(0), formula)).toBe(0);
  });

  it('weighs the parts and rounds to one decimal', () => {
    // (0.25·1 + 0.25·0.5 + 0.15·1 + 0.2·0 + 0.15·1) / 1 = 0.675 → 3.375 → 3.4
    expect(starsFor({ onTimeAccept: 1, onTimeResolve: 0.5, reopen: 1, satisfaction: 0, dailyTasks: 1 }, formula)).toBe(3.4);
  });

  it('leaves out a part with no data and renormalises the other weights (daily tasks are not recorded yet)', () => {
    // (0.25·0.5 + 0.25·1 + 0.15·1 + 0.2·1) / 0.85 = 0.8529 → 4.26 → 4.3
    expect(starsFor({ onTimeAccept: 0.5, onTimeResolve: 1, reopen: 1, satisfaction: 1, dailyTasks: null }, formula)).toBe(4.3);
    // Only on-time accept known: its own rate.
    expect(starsFor({ onTimeAccept: 0.6, onTimeResolve: null, reopen: null, satisfaction: null, dailyTasks: null }, formula)).toBe(3);
  });

  it('has no stars when nothing could be measured, and ignores parts weighted 0', () => {
    expect(starsFor({ onTimeAccept: null, onTimeResolve: null, reopen: null, satisfaction: null, dailyTasks: null }, formula)).toBeNull();
    const acceptOnly = { ...formula, weights: { onTimeAccept: 1, onTimeResolve: 0, reopen: 0, satisfaction: 0, dailyTasks: 0 } };
    expect(starsFor({ onTimeAccept: 0.8, onTimeResolve: 0, reopen: 0, satisfaction: 0, dailyTasks: null }, acceptOnly)).toBe(4);
  });

  it('counts a lower reopen rate as better', () => {
    const now = new Date('2026-12-03T00:00:00Z');
    const at = (iso: string) => new Date(iso);
    const row = { createdAt: at('2026-12-02T02:00:00Z'), acceptBy: at('2026-12-02T02:30:00Z'), acceptedAt: at('2026-12-02T02:05:00Z'), resolveBy: at('2026-12-02T08:00:00Z'), resolvedAt: at('2026-12-02T03:00:00Z'), closedAt: null, status: 'resolved' as const, reopenCount: 0, satisfaction: null, leadPost: 'MUNICIPAL', category: 'x', orgUnitCode: null };
    const parts = ratingParts(serviceFigures([row, { ...row, reopenCount: 1, status: 'accepted' as const, resolvedAt: null, resolveBy: at('2026-12-03T08:00:00Z') }, { ...row }, { ...row }], now));
    expect(parts).toEqual({ onTimeAccept: 1, onTimeResolve: 1, reopen: 0.75, satisfaction: null, dailyTasks: null });
  });

  it('loads the weights file and refuses a bad one, saying what is wrong', () => {
    const shipped = loadRatingFormula();
    expect(Object.keys(shipped.weights).sort()).toEqual(['dailyTasks', 'onTimeAccept', 'onTimeResolve', 'reopen', 'satisfaction']);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weights-'));
    const bad = (content: unknown) => {
      const file = path.join(dir, `w${Math.random()}.json`);
      writeFileSync(file, JSON.stringify(content));
      return () => loadRatingFormula(file);
    };
    expect(bad({ weights: { ...formula.weights, onTimeAccept: 2 }, stars: formula.stars })).toThrow(/rating weights .*invalid.*onTimeAccept/s);
    expect(bad({ weights: { onTimeAccept: 1 }, stars: formula.stars })).toThrow(/invalid/);
    expect(bad({ weights: all(0), stars: formula.stars })).toThrow(/at least one weight/);
    expect(bad({ weights: formula.weights, stars: { max: 5 } })).toThrow(/decimals/);
  });
});
