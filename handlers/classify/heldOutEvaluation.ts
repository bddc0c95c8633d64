// Each classifier and the combination measured on labelled files the model was not trained on: for a file
// the shipped model learnt from, a model trained on all the other files stands in (leave-one-file-out; the
// files were written by different people, so this is the honest estimate). The rules were tuned on these
// same files, so their figures — and the combination's reliance on their critical veto — are in-sample.
import type { Taxonomy } from '../../seeds/taxonomy';
import { CombinedClassifier, type CombinationThresholds } from './combinedClassifier';
import { evaluateClassifier, type Evaluation, type LabelledRow } from './evaluate';
import { RuleClassifier } from './ruleClassifier';
import { ModelClassifier, TextModel } from './textModel';
import { DEFAULT_TRAINING_OPTIONS, trainTextModel, type TrainingOptions } from './trainModel';

export interface LabelledFile {
  name: string;
  rows: LabelledRow[];
}

export interface HeldOutFigures {
  name: string;
  /** True when the model scoring this file never saw it (always, unless `trainingFiles` lacks it and it is unseen anyway). */
  heldOut: boolean;
  rules: Evaluation;
  model: Evaluation;
  combined: Evaluation;
}

export async function evaluateHeldOut(
  files: readonly LabelledFile[],
  trainingFiles: readonly LabelledFile[],
  taxonomy: Taxonomy,
  thresholds: CombinationThresholds,
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
): Promise<HeldOutFigures[]> {
  const rules = new RuleClassifier(taxonomy);
  const figures: HeldOutFigures[] = [];
  for (const file of files) {
    const texts = new Set(file.rows.map((row) => row.text));
    // Every training row whose text is in the scored file is left out, whichever file it came from.
    const training = trainingFiles.flatMap((f) => f.rows).filter((row) => !texts.has(row.text));
    const model = new TextModel(trainTextModel(training, options));
    const combined = new CombinedClassifier({ taxonomy, rules, model, llm: null, thresholds });
    figures.push({
      name: file.name,
      heldOut: true,
      rules: await evaluateClassifier(rules, file.rows),
      model: await evaluateClassifier(new ModelClassifier(model, { taxonomy, rules }), file.rows),
      combined: await evaluateClassifier(combined, file.rows),
    });
  }
  return figures;
}

/** Figures over several files at once, weighted by their rows. */
export function pool(evaluations: readonly Evaluation[]): Evaluation {
  const total = evaluations.reduce((n, e) => n + e.total, 0);
  const criticalCount = evaluations.reduce((n, e) => n + e.criticalCount, 0);
  const nonIncidentCount = evaluations.reduce((n, e) => n + e.nonIncidentCount, 0);
  const incidents = total - nonIncidentCount;
  const sum = (pick: (e: Evaluation) => number, weight: (e: Evaluation) => number) => evaluations.reduce((n, e) => n + pick(e) * weight(e), 0);
  const over = (part: number, whole: number, empty: number) => (whole ? part / whole : empty);
  return {
    total,
    categoryAccuracy: over(sum((e) => e.categoryAccuracy, (e) => e.total), total, 0),
    criticalRecall: over(sum((e) => e.criticalRecall, (e) => e.criticalCount), criticalCount, 1),
    criticalCount,
    nonIncidentFalseIncidentRate: over(sum((e) => e.nonIncidentFalseIncidentRate, (e) => e.nonIncidentCount), nonIncidentCount, 0),
    nonIncidentCount,
    urgencyAccuracy: over(sum((e) => e.urgencyAccuracy, (e) => e.total), total, 0),
    incidentsMissedRate: over(sum((e) => e.incidentsMissedRate ?? 0, (e) => e.total - e.nonIncidentCount), incidents, 0),
    triageShare: over(sum((e) => e.triageShare ?? 0, (e) => e.total), total, 0),
    confusion: evaluations.flatMap((e) => e.confusion),
  };
}
