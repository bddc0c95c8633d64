// Measures a classifier against labelled messages (JSON lines {id, text, category, urgency}):
// the figures the classifier floors are stated in, plus every miss for tuning.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { NON_INCIDENT_CODES, URGENCIES } from '../../seeds/taxonomy';
import type { Classification, Classifier } from './types';

const labelledRowSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  category: z.string().min(1),
  /** null for the non-incidents consult and chat. */
  urgency: z.enum(URGENCIES).nullable(),
});

export type LabelledRow = z.infer<typeof labelledRowSchema>;

export interface Miss {
  id: string;
  text: string;
  expected: { category: string; urgency: string | null };
  got: { category: string; urgency: string | null; confidence: number };
}

export interface Evaluation {
  total: number;
  /** Fraction of rows whose category was right. */
  categoryAccuracy: number;
  /** Fraction of rows labelled critical that were predicted critical (1 when there are none). */
  criticalRecall: number;
  criticalCount: number;
  /** Fraction of rows labelled consult or chat that were given an incident category (0 when there are none). */
  nonIncidentFalseIncidentRate: number;
  nonIncidentCount: number;
  /** Fraction of rows whose urgency (null for non-incidents) was right. */
  urgencyAccuracy: number;
  /** Fraction of rows labelled incidents that were taken as chat or consult and not sent to triage. */
  incidentsMissedRate?: number;
  /** Fraction of all rows sent to triage (a person decides) rather than decided. */
  triageShare?: number;
  /** Rows where the category or the urgency was wrong. */
  confusion: Miss[];
}

const nonIncidentCodes: ReadonlySet<string> = new Set(NON_INCIDENT_CODES);

export function isNonIncident(category: string): boolean {
  return nonIncidentCodes.has(category);
}

/** Reads labelled JSON lines; a malformed line fails with its line number. Blank lines are skipped. */
export function readLabelledJsonl(file: string): LabelledRow[] {
  return readJsonlRows(file, labelledRowSchema);
}

/** JSON lines, each checked against `schema`; a malformed line fails with its line number. Blank lines are skipped. */
export function readJsonlRows<T>(file: string, schema: z.ZodType<T>): T[] {
  const rows: T[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (error) {
        throw new Error(`${file}:${index + 1}: not JSON (${error instanceof Error ? error.message : String(error)})`);
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) throw new Error(`${file}:${index + 1}: ${z.prettifyError(parsed.error)}`);
      rows.push(parsed.data);
    });
  return rows;
}

function ratio(numerator: number, denominator: number, whenEmpty: number): number {
  return denominator === 0 ? whenEmpty : numerator / denominator;
}

export async function evaluateClassifier(classifier: Classifier, rows: readonly LabelledRow[]): Promise<Evaluation> {
  let categoryHits = 0;
  let urgencyHits = 0;
  let criticalCount = 0;
  let criticalHits = 0;
  let nonIncidentCount = 0;
  let falseIncidents = 0;
  let incidentCount = 0;
  let missedIncidents = 0;
  let triaged = 0;
  const confusion: Miss[] = [];

  for (const row of rows) {
    const got: Classification = await classifier.classify(row.text);
    const isCategoryRight = got.category === row.category;
    const isUrgencyRight = got.urgency === row.urgency;
    if (isCategoryRight) categoryHits += 1;
    if (isUrgencyRight) urgencyHits += 1;
    if (row.urgency === 'critical') {
      criticalCount += 1;
      if (got.urgency === 'critical') criticalHits += 1;
    }
    if (got.triage) triaged += 1;
    if (isNonIncident(row.category)) {
      nonIncidentCount += 1;
      if (!isNonIncident(got.category) && !got.triage) falseIncidents += 1;
    } else {
      incidentCount += 1;
      if (isNonIncident(got.category) && !got.triage) missedIncidents += 1;
    }
    if (!isCategoryRight || !isUrgencyRight) {
      confusion.push({
        id: row.id,
        text: row.text,
        expected: { category: row.category, urgency: row.urgency },
        got: { category: got.category, urgency: got.urgency, confidence: got.confidence },
      });
    }
  }

  return {
    total: rows.length,
    categoryAccuracy: ratio(categoryHits, rows.length, 0),
    criticalRecall: ratio(criticalHits, criticalCount, 1),
    criticalCount,
    nonIncidentFalseIncidentRate: ratio(falseIncidents, nonIncidentCount, 0),
    nonIncidentCount,
    urgencyAccuracy: ratio(urgencyHits, rows.length, 0),
    incidentsMissedRate: ratio(missedIncidents, incidentCount, 0),
    triageShare: ratio(triaged, rows.length, 0),
    confusion,
  };
}

/** A small fixed-width table of the headline figures, for test output and reports. */
export function formatEvaluation(label: string, evaluation: Evaluation): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [
    [`${label} (n=${evaluation.total})`, ''],
    ['category accuracy', pct(evaluation.categoryAccuracy)],
    [`critical recall (n=${evaluation.criticalCount})`, pct(evaluation.criticalRecall)],
    [`non-incident → incident (n=${evaluation.nonIncidentCount})`, pct(evaluation.nonIncidentFalseIncidentRate)],
    ['urgency accuracy', pct(evaluation.urgencyAccuracy)],
    ...(evaluation.incidentsMissedRate !== undefined ? [['incidents missed (not triaged)', pct(evaluation.incidentsMissedRate)]] : []),
    ...(evaluation.triageShare !== undefined ? [['sent to triage', pct(evaluation.triageShare)]] : []),
  ];
  return lines.map(([name, value]) => `${name.padEnd(36)} ${value.padStart(7)}`).join('\n');
}

/** One line per miss: what was expected, what the classifier said and how sure it was. */
export function formatMisses(evaluation: Evaluation): string {
  if (evaluation.confusion.length === 0) return 'misses: none';
  const lines = evaluation.confusion.map((miss) => {
    const expected = `${miss.expected.category}/${miss.expected.urgency ?? '-'}`;
    const got = `${miss.got.category}/${miss.got.urgency ?? '-'}`;
    return `  ${miss.id}: expected ${expected}, got ${got} (${miss.got.confidence.toFixed(2)}): ${miss.text}`;
  });
  return `misses:\n${lines.join('\n')}`;
}
