// Measures the same-problem decision: how often a merge joins reports that really are one problem
// (precision), how many true repeats it joins (recall), and how often it joins two different problems.
// Truth comes from the written pairs (test/fixtures/same-problem-pairs.jsonl) and from the labelled sets:
// two different labelled incidents are two different problems, even when they share a category.
import { z } from 'zod';
import { isNonIncident, readJsonlRows, type LabelledRow } from '../classify/evaluate';
import { defaultGazetteer } from '../place/gazetteer';
import { NEVER_JOINED } from './joinSameProblem';
import { locateReport } from './locateReport';
import { DEFAULT_SAME_PROBLEM_POLICY, isSameProblem, namesPlace, problemWords, type SameProblemPolicy } from './sameProblem';

export const SPLITS = ['tune', 'test'] as const;
export type Split = (typeof SPLITS)[number];

const mergePairSchema = z.object({
  /** A labelled row: the report the open incident was opened from. */
  id: z.string().min(1),
  /** Another resident's report. */
  second: z.string().min(1),
  split: z.enum(SPLITS),
  /** false: a different problem of the same category at the same place. */
  same: z.boolean().default(true),
});

export type MergePair = z.infer<typeof mergePairSchema>;

/** Reads the written pairs; a malformed line fails with its line number. */
export function readMergePairs(file: string): MergePair[] {
  return readJsonlRows(file, mergePairSchema);
}

/** A labelled file's rows, under the file's name. */
export interface LabelledFile {
  name: string;
  rows: LabelledRow[];
}

/**
 * written-same / written-different: rows of the pairs file, each report keyed to the one place when it
 * names a place and unkeyed when it does not. The automatic negatives, two different labelled incidents:
 * same-category-one-place, both keyed to one place (two problems of one kind in one building);
 * same-category-unplaced, neither keyed (so the stricter bar for reports without a place is tested too);
 * different-category, both at one place; same-category-one-group, both posted in one community's residents'
 * group with the places the gazetteer finds in their words (what the bot itself would compare), leaving out
 * the categories it never joins.
 */
export const PAIR_KINDS = ['written-same', 'written-different', 'same-category-one-place', 'same-category-unplaced', 'same-category-one-group', 'different-category'] as const;
export type PairKind = (typeof PAIR_KINDS)[number];

export interface PairOutcome {
  kind: PairKind;
  /** Automatic negatives only: both rows come from one labelled file. */
  isFromOneFile?: boolean;
  category: string;
  first: { id: string; text: string };
  second: { id: string | null; text: string };
  isTrulySame: boolean;
  merged: boolean;
  similarity: number;
  why: string;
}

export interface KindCount {
  pairs: number;
  merged: number;
}

export interface MergeFigures {
  split: Split;
  counts: Record<PairKind, KindCount>;
  /**
   * The same-category automatic negatives at one place, from one file and across files. Told apart
   * because the labelled files were written separately and re-tell the same situations (a KTV at 3 a.m.,
   * a lift stuck between floors) in other words: a pair across files is sometimes one problem.
   */
  onePlaceWithinFile: KindCount;
  onePlaceAcrossFiles: KindCount;
  /** True merges / all merges, over every pair of the split. */
  precision: number;
  /** True merges / merges, over the written pairs alone. */
  writtenPrecision: number;
  /** Written repeats merged / written repeats. */
  recall: number;
  /** Merged / all, for the same-category automatic negatives at one place. */
  falseMergeRate: number;
  /** The same, for those pairs with no place named. */
  unplacedFalseMergeRate: number;
  /** The same, for pairs posted in one residents' group with the places the gazetteer finds. */
  oneGroupFalseMergeRate: number;
  wrongMerges: PairOutcome[];
  missedMerges: PairOutcome[];
}

const OPENED_AT = new Date('2026-03-02T08:00:00Z');
/** An hour later: every pair is inside any sensible window, so the figures measure the words and places. */
const REPORTED_AT = new Date(OPENED_AT.getTime() + 60 * 60 * 1000);
/** The one place every pair is at. */
const ONE_BUILDING = 'building-under-test';

/**
 * The automatic negatives' split: half the labelled rows each, by a hash of the id, so that tuning
 * never looks at the test half's pairs.
 */
export function splitOfRow(id: string): Split {
  let hash = 0x811c9dc5;
  for (const char of id) hash = Math.imul(hash ^ char.codePointAt(0)!, 0x01000193) >>> 0;
  return hash % 2 === 0 ? 'tune' : 'test';
}

/** A written pair's place key, as place extraction would give it: the one place when the text names a place. */
/** The place key the bot would give a report posted in the demo street's 桂香苑 residents' group. */
function locatedKeyOf(text: string): string | null {
  return locateReport(text, { orgUnitCode: 'c.guixiangyuan' }, defaultGazetteer()).located?.key ?? null;
}

function placeKeyOf(text: string): string | null {
  return namesPlace(text) ? ONE_BUILDING : null;
}

export function evaluateSameProblem(
  files: readonly LabelledFile[],
  pairs: readonly MergePair[],
  split: Split,
  policy: SameProblemPolicy = DEFAULT_SAME_PROBLEM_POLICY,
): MergeFigures {
  const fileOf = new Map(files.flatMap((file) => file.rows.map((row) => [row.id, file.name] as const)));
  const rowsById = new Map(files.flatMap((file) => file.rows.map((row) => [row.id, row] as const)));
  const outcomes: PairOutcome[] = [];
  type Report = { id: string | null; text: string; category: string };
  const judge = (kind: PairKind, first: Report & { id: string }, second: Report, placeKeys: [string | null, string | null], isFromOneFile?: boolean): void => {
    const decision = isSameProblem(
      { category: first.category, placeKey: placeKeys[0], text: first.text, at: OPENED_AT },
      { category: second.category, placeKey: placeKeys[1], text: second.text, at: REPORTED_AT },
      policy,
    );
    outcomes.push({
      kind,
      isFromOneFile,
      category: first.category === second.category ? first.category : `${first.category}/${second.category}`,
      first: { id: first.id, text: first.text },
      second: { id: second.id, text: second.text },
      isTrulySame: kind === 'written-same',
      merged: decision.same,
      similarity: decision.similarity,
      why: decision.why,
    });
  };

  for (const pair of pairs.filter((p) => p.split === split)) {
    const row = rowsById.get(pair.id);
    if (!row) throw new Error(`same-problem pair names ${pair.id}, which is in no labelled file`);
    const second = { id: null, text: pair.second, category: row.category };
    judge(pair.same ? 'written-same' : 'written-different', row, second, [placeKeyOf(row.text), placeKeyOf(pair.second)]);
  }

  const incidents = [...rowsById.values()].filter((row) => !isNonIncident(row.category) && splitOfRow(row.id) === split);
  for (let i = 0; i < incidents.length; i += 1) {
    for (let j = i + 1; j < incidents.length; j += 1) {
      const [first, second] = [incidents[i], incidents[j]];
      if (first.category !== second.category) {
        judge('different-category', first, second, [ONE_BUILDING, ONE_BUILDING]);
        continue;
      }
      const isFromOneFile = fileOf.get(first.id) === fileOf.get(second.id);
      judge('same-category-one-place', first, second, [ONE_BUILDING, ONE_BUILDING], isFromOneFile);
      judge('same-category-unplaced', first, second, [null, null], isFromOneFile);
      if (!NEVER_JOINED.has(first.category)) judge('same-category-one-group', first, second, [locatedKeyOf(first.text), locatedKeyOf(second.text)], isFromOneFile);
    }
  }
  return summarise(split, outcomes);
}

function countOf(outcomes: readonly PairOutcome[]): KindCount {
  return { pairs: outcomes.length, merged: outcomes.filter((o) => o.merged).length };
}

function summarise(split: Split, outcomes: readonly PairOutcome[]): MergeFigures {
  const counts = Object.fromEntries(PAIR_KINDS.map((kind) => [kind, countOf(outcomes.filter((o) => o.kind === kind))])) as Record<PairKind, KindCount>;
  const onePlace = outcomes.filter((o) => o.kind === 'same-category-one-place');
  const truePositives = counts['written-same'].merged;
  const writtenMerged = truePositives + counts['written-different'].merged;
  const allMerged = PAIR_KINDS.reduce((sum, kind) => sum + counts[kind].merged, 0);
  return {
    split,
    counts,
    onePlaceWithinFile: countOf(onePlace.filter((o) => o.isFromOneFile)),
    onePlaceAcrossFiles: countOf(onePlace.filter((o) => !o.isFromOneFile)),
    precision: ratio(truePositives, allMerged, 1),
    writtenPrecision: ratio(truePositives, writtenMerged, 1),
    recall: ratio(truePositives, counts['written-same'].pairs, 0),
    falseMergeRate: rateOf(counts['same-category-one-place']),
    unplacedFalseMergeRate: rateOf(counts['same-category-unplaced']),
    oneGroupFalseMergeRate: rateOf(counts['same-category-one-group']),
    wrongMerges: outcomes.filter((o) => o.merged && !o.isTrulySame).sort((a, b) => b.similarity - a.similarity),
    missedMerges: outcomes.filter((o) => !o.merged && o.isTrulySame).sort((a, b) => b.similarity - a.similarity),
  };
}

/** `whenEmpty` for precision is 1: nothing merged, nothing merged wrongly. */
function ratio(numerator: number, denominator: number, whenEmpty: number): number {
  return denominator === 0 ? whenEmpty : numerator / denominator;
}

function rateOf(count: KindCount): number {
  return ratio(count.merged, count.pairs, 0);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);

/** The headline figures, each with the pairs it is counted over. */
export function formatMergeFigures(figures: MergeFigures, policy: SameProblemPolicy = DEFAULT_SAME_PROBLEM_POLICY): string {
  const c = figures.counts;
  const positives = c['written-same'];
  const written = c['written-different'];
  const negativeKinds = PAIR_KINDS.filter((kind) => kind !== 'written-same');
  const negatives = negativeKinds.reduce((sum, kind) => sum + c[kind].pairs, 0);
  const allMerged = PAIR_KINDS.reduce((sum, kind) => sum + c[kind].merged, 0);
  const { onePlaceWithinFile: within, onePlaceAcrossFiles: across } = figures;
  const row = (label: string, value: number, detail: string): string => `  ${label.padEnd(34)}${pct(value)}  ${detail}`;
  return [
    `split ${figures.split}: merge at similarity ≥ ${policy.threshold} when both reports name the same place ` +
      `(≥ ${policy.thresholdSharingSubject} when they also name the same thing), ≥ ${policy.thresholdWithoutPlace} when either names none; every pair is 1 h apart`,
    row('precision, all pairs', figures.precision,
      `${positives.merged} right of ${allMerged} merged; over ${positives.pairs} positives and ${negatives} negatives ` +
        `(${negativeKinds.map((kind) => `${c[kind].pairs} ${kind}`).join(', ')})`),
    row('precision, written pairs', figures.writtenPrecision,
      `${positives.merged} right of ${writtenMerged(figures)} merged; over ${positives.pairs} positives and ${written.pairs} written negatives`),
    row('recall', figures.recall, `${positives.merged} of ${positives.pairs} positives merged`),
    row('false merges, written', rateOf(written), `${written.merged} of ${written.pairs} (same category and place, a different problem)`),
    row('false-merge rate, automatic', figures.falseMergeRate,
      `${c['same-category-one-place'].merged} of ${c['same-category-one-place'].pairs} same-category pairs put at one place`),
    row('  rows of one file', rateOf(within), `${within.merged} of ${within.pairs} (a file's rows are distinct situations)`),
    row('  rows of two files', rateOf(across),
      `${across.merged} of ${across.pairs} (files re-tell each other's situations: some of these are one problem)`),
    row('false-merge rate, no place named', figures.unplacedFalseMergeRate,
      `${c['same-category-unplaced'].merged} of ${c['same-category-unplaced'].pairs} same-category pairs, neither naming a place`),
    row('false-merge rate, one group', rateOf(c['same-category-one-group']),
      `${c['same-category-one-group'].merged} of ${c['same-category-one-group'].pairs} same-category pairs posted in one residents' group, places as the gazetteer finds them`),
    row('different categories', rateOf(c['different-category']), `${c['different-category'].merged} of ${c['different-category'].pairs} merged`),
  ].join('\n');
}

function writtenMerged(figures: MergeFigures): number {
  return figures.counts['written-same'].merged + figures.counts['written-different'].merged;
}

/** Every wrong and missed merge, verbatim, most alike first, with the words that were compared. */
export function formatMergeMisses(figures: MergeFigures): string {
  const kindOf = (o: PairOutcome): string =>
    o.isFromOneFile === undefined ? o.kind : `${o.kind}, ${o.isFromOneFile ? 'one file' : 'two files'}`;
  const line = (o: PairOutcome): string =>
    [
      `  [${kindOf(o)}; ${o.category}] ${o.why}`,
      `    ${o.first.id}: ${o.first.text}`,
      `      compared: ${problemWords(o.first.text)}`,
      `    ${o.second.id ?? 'second'}: ${o.second.text}`,
      `      compared: ${problemWords(o.second.text)}`,
    ].join('\n');
  return [
    `split ${figures.split}: wrong merges (${figures.wrongMerges.length})`,
    ...figures.wrongMerges.map(line),
    `split ${figures.split}: missed merges (${figures.missedMerges.length})`,
    ...figures.missedMerges.map(line),
  ].join('\n');
}
