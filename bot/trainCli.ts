// `npm run train [-- extra.jsonl …] [--compare-rules]`: trains the text model on every labelled file in
// test/fixtures plus a street's own corrected labels (same {id,text,category,urgency} lines), writes
// seeds/classifier-model.json, and prints how the model alone does on messages it was not trained on.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fromProjectRoot } from '../config/projectRoot';
import { readLabelledJsonl } from '../handlers/classify/evaluate';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import {
  DEFAULT_TRAINING_OPTIONS,
  crossValidate,
  leaveOneFileOut,
  poolEvaluations,
  serialiseTextModel,
  trainTextModel,
  type LabelledSet,
  type ModelEvaluation,
  type UrgencySources,
} from '../handlers/classify/trainModel';
import { loadTaxonomy } from '../seeds/taxonomy';

export const MODEL_FILE = fromProjectRoot('seeds', 'classifier-model.json');

/** Labelled message sets among the fixtures (other .jsonl fixtures, such as merge pairs, are not training data). */
const LABELLED_SET = /^(?:dev-messages|classifier-holdout-[\w-]+)\.jsonl$/;

/** The repository's labelled files, in name order (the model does not depend on the order; the printout does). */
export function fixtureLabelledFiles(dir = fromProjectRoot('test', 'fixtures')): string[] {
  return readdirSync(dir)
    .filter((name) => LABELLED_SET.test(name))
    .sort()
    .map((name) => path.join(dir, name));
}

export function readLabelledSets(files: readonly string[]): LabelledSet[] {
  return files.map((file) => ({ name: path.basename(file), rows: readLabelledJsonl(file) }));
}

/** The model-alone figures, one per line, in the shape evaluateCli prints. */
export function formatModelEvaluation(label: string, e: ModelEvaluation): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const lines = [
    ['category accuracy', pct(e.categoryAccuracy)],
    [`critical recall (n=${e.criticalCount})`, pct(e.criticalRecall)],
    [`chat/consult → incident (n=${e.nonIncidentCount})`, pct(e.nonIncidentFalseIncidentRate)],
    [`incident → chat/consult (n=${e.incidentCount})`, pct(e.missedIncidentRate)],
    ['urgency accuracy', pct(e.urgencyAccuracy)],
  ];
  return [`${label} (n=${e.total})`, ...lines.map(([name, value]) => `${name.padEnd(36)} ${value.padStart(7)}`)].join('\n');
}

async function main(args: string[]): Promise<number> {
  const compareRules = args.includes('--compare-rules');
  const extra = args.filter((a) => a !== '--compare-rules');
  const sets = readLabelledSets([...fixtureLabelledFiles(), ...extra]);
  const rows = sets.flatMap((s) => s.rows);
  const options = DEFAULT_TRAINING_OPTIONS;

  const started = Date.now();
  const model = trainTextModel(rows, options);
  const text = serialiseTextModel(model);
  writeFileSync(MODEL_FILE, text);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `trained on ${rows.length} rows from ${sets.length} files in ${seconds} s: ${model.labels.length} labels, ` +
      `${model.vocabulary.length} n-grams; wrote ${path.relative(process.cwd(), MODEL_FILE)} (${(text.length / 1e6).toFixed(2)} MB)\n`,
  );

  const taxonomy = loadTaxonomy();
  const variants: [string, UrgencySources, typeof options][] = [['model', { taxonomy }, options]];
  // The rules were tuned on these very files, so their urgency here is an in-sample figure, not an estimate.
  if (compareRules) variants.push(['rules urgency', { taxonomy, rules: new RuleClassifier(taxonomy) }, { ...options, urgency: 'rules' }]);
  for (const [name, sources, variantOptions] of variants) {
    const cv = await crossValidate(rows, variantOptions, sources, { k: 5, seed: 15 });
    console.log(formatModelEvaluation(`${name}: 5-fold cross-validation, stratified, seed 15`, cv), '\n');
    const perFile = await leaveOneFileOut(sets, variantOptions, sources);
    for (const { name: file, evaluation } of perFile) {
      console.log(formatModelEvaluation(`${name}: ${file} held out, trained on the rest`, evaluation), '\n');
    }
    console.log(formatModelEvaluation(`${name}: leave-one-file-out pooled`, poolEvaluations(perFile.map((p) => p.evaluation))), '\n');
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(`train: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
