// How the scam-bait detector does on labelled messages ({id,text,category,urgency} lines): false alarms on chat
// and consult (the costly mistake: a neighbour accused in front of their group), and recall and type-naming on
// scam_content. Measured twice: the detector alone, and given the classifier's verdict, where the classifier's
// model is trained without the file being scored (as heldOutEvaluation.ts does) so no figure is a model
// scored on its own training data.
import { SCAM_CONTENT_CATEGORY, type Taxonomy } from '../../seeds/taxonomy';
import { CombinedClassifier, DEFAULT_THRESHOLDS, type CombinationThresholds } from '../classify/combinedClassifier';
import { isNonIncident, type LabelledRow } from '../classify/evaluate';
import type { LabelledFile } from '../classify/heldOutEvaluation';
import { RuleClassifier } from '../classify/ruleClassifier';
import { TextModel } from '../classify/textModel';
import { DEFAULT_TRAINING_OPTIONS, trainTextModel, type TrainingOptions } from '../classify/trainModel';
import { defaultScamTypes, detectScamBait, type ScamTypes, type ScamVerdict } from './scamBait';

export interface Share {
  flagged: number;
  total: number;
}

export interface ScamRowResult {
  id: string;
  text: string;
  category: string;
  /** What the classifier said, when it was asked. */
  classifiedAs: string | null;
  verdict: ScamVerdict;
}

export interface ScamFigures {
  /** chat + consult rows called bait: the false-alarm rate. */
  chatConsult: Share;
  /** Residents reporting fraud (the classifier categories that stop the detector, i.e. fraud_report) called bait. */
  fraudReports: Share;
  /** Every other incident row called bait. */
  otherIncidents: Share;
  /** scam_content rows called bait: recall. */
  scam: Share;
  /** scam_content rows called bait and given a scam type. */
  scamTyped: Share;
  /** Rows not labelled scam_content that were called bait. */
  falseAlarms: ScamRowResult[];
  /** scam_content rows not called bait. */
  misses: ScamRowResult[];
}

export interface ScamFileFigures {
  name: string;
  alone: ScamFigures;
  withClassifier: ScamFigures;
}

/** Runs the detector over rows, each with the classifier's category if one is given, and counts. */
export function scoreScamDetector(
  rows: readonly LabelledRow[],
  classifiedAs: (row: LabelledRow) => string | null,
  scamTypes: ScamTypes = defaultScamTypes(),
): ScamFigures {
  const figures = emptyFigures();
  for (const row of rows) {
    const classified = classifiedAs(row);
    const verdict = detectScamBait({ text: row.text, classifiedAs: classified }, scamTypes);
    const result: ScamRowResult = { id: row.id, text: row.text, category: row.category, classifiedAs: classified, verdict };
    const share = row.category === SCAM_CONTENT_CATEGORY
      ? figures.scam
      : isNonIncident(row.category)
        ? figures.chatConsult
        : scamTypes.stopsIt.has(row.category)
          ? figures.fraudReports
          : figures.otherIncidents;
    share.total += 1;
    if (verdict.isBait) share.flagged += 1;
    if (row.category === SCAM_CONTENT_CATEGORY) {
      figures.scamTyped.total += 1;
      if (verdict.isBait && verdict.type) figures.scamTyped.flagged += 1;
      if (!verdict.isBait) figures.misses.push(result);
    } else if (verdict.isBait) {
      figures.falseAlarms.push(result);
    }
  }
  return figures;
}

/**
 * Per file: the detector alone, and with the verdict of the combined classifier (rules + a text model trained
 * on every training row whose text is not in the scored file, whichever file it came from).
 */
export async function evaluateScamDetector(
  files: readonly LabelledFile[],
  trainingFiles: readonly LabelledFile[],
  taxonomy: Taxonomy,
  scamTypes: ScamTypes = defaultScamTypes(),
  thresholds: CombinationThresholds = DEFAULT_THRESHOLDS,
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): Promise<ScamFileFigures[]> {
  const rules = new RuleClassifier(taxonomy);
  const results: ScamFileFigures[] = [];
  for (const file of files) {
    const texts = new Set(file.rows.map((row) => row.text));
    const training = trainingFiles.flatMap((f) => f.rows).filter((row) => !texts.has(row.text));
    const model = new TextModel(trainTextModel(training, options));
    const classifier = new CombinedClassifier({ taxonomy, rules, model, llm: null, thresholds });
    const categories = new Map<string, string>();
    for (const row of file.rows) categories.set(row.id, (await classifier.classify(row.text)).category);
    results.push({
      name: file.name,
      alone: scoreScamDetector(file.rows, () => null, scamTypes),
      withClassifier: scoreScamDetector(file.rows, (row) => categories.get(row.id) ?? null, scamTypes),
    });
  }
  return results;
}

/** Several files' figures as one. */
export function poolScamFigures(parts: readonly ScamFigures[]): ScamFigures {
  const pooled = emptyFigures();
  for (const part of parts) {
    for (const key of SHARE_KEYS) {
      pooled[key].flagged += part[key].flagged;
      pooled[key].total += part[key].total;
    }
    pooled.falseAlarms.push(...part.falseAlarms);
    pooled.misses.push(...part.misses);
  }
  return pooled;
}

const SHARE_KEYS = ['chatConsult', 'fraudReports', 'otherIncidents', 'scam', 'scamTyped'] as const;

function emptyFigures(): ScamFigures {
  const share = (): Share => ({ flagged: 0, total: 0 });
  return { chatConsult: share(), fraudReports: share(), otherIncidents: share(), scam: share(), scamTyped: share(), falseAlarms: [], misses: [] };
}

export function formatShare(share: Share): string {
  const pct = share.total === 0 ? '-' : `${((share.flagged / share.total) * 100).toFixed(1)}%`;
  return `${share.flagged}/${share.total} (${pct})`;
}

/** The headline figures, detector alone beside detector with the classifier. */
export function formatScamFigures(label: string, alone: ScamFigures, withClassifier: ScamFigures): string {
  const lines: [string, keyof typeof LINE_NAMES][] = SHARE_KEYS.map((key) => [LINE_NAMES[key], key]);
  const header = `${label.padEnd(42)} ${'detector alone'.padEnd(18)} with classifier`;
  return [header, ...lines.map(([name, key]) => `  ${name.padEnd(40)} ${formatShare(alone[key]).padEnd(18)} ${formatShare(withClassifier[key])}`)].join('\n');
}

const LINE_NAMES = {
  chatConsult: 'false alarms: chat + consult flagged',
  fraudReports: 'fraud reports flagged',
  otherIncidents: 'other incidents flagged',
  scam: 'recall: scam_content flagged',
  scamTyped: 'scam_content flagged with a type',
} as const;

/** Every false alarm and miss, one line each, with the evidence the detector saw. */
export function formatScamMistakes(label: string, figures: ScamFigures): string {
  const line = (r: ScamRowResult) =>
    `    ${r.id} [${r.category}${r.classifiedAs ? `, classified ${r.classifiedAs}` : ''}] score ${r.verdict.score}` +
    `${r.verdict.type ? ` as ${r.verdict.type.name}` : ''} (${r.verdict.signals.join(', ') || 'no signals'}): ${r.text}`;
  return [
    `  ${label}: false alarms ${figures.falseAlarms.length ? '' : 'none'}`,
    ...figures.falseAlarms.map(line),
    `  ${label}: misses ${figures.misses.length ? '' : 'none'}`,
    ...figures.misses.map(line),
  ].join('\n');
}
