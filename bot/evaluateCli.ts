// `npm run --silent evaluate -- FILE.jsonl [...] [--misses]`: measures each classifier and their combination
// on labelled messages ({"id","text","category","urgency"} per line) and prints the figures the floors are
// stated in, plus the share sent to triage. The model scoring a file is always trained without it (the files
// in test/fixtures are left out in turn), so its figures are estimates, never scores on its own training
// data. The rules were tuned on the repository's files: on those their figures are in-sample.
import path from 'node:path';
import { DEFAULT_THRESHOLDS } from '../handlers/classify/combinedClassifier';
import { formatEvaluation, formatMisses, readLabelledJsonl } from '../handlers/classify/evaluate';
import { evaluateHeldOut, pool, type LabelledFile } from '../handlers/classify/heldOutEvaluation';
import { loadTaxonomy } from '../seeds/taxonomy';
import { fixtureLabelledFiles } from './trainCli';

async function main(args: string[]): Promise<number> {
  const showMisses = args.includes('--misses');
  const files = args.filter((a) => a !== '--misses');
  if (files.length === 0) {
    console.error('usage: npm run --silent evaluate -- labelled.jsonl [more.jsonl …] [--misses]');
    return 2;
  }
  const read = (file: string): LabelledFile => ({ name: path.basename(file), rows: readLabelledJsonl(file) });
  const figures = await evaluateHeldOut(files.map(read), fixtureLabelledFiles().map(read), loadTaxonomy(), DEFAULT_THRESHOLDS);
  for (const f of figures) {
    console.log(formatEvaluation(`${f.name}: rules`, f.rules), '\n');
    console.log(formatEvaluation(`${f.name}: model (trained without this file)`, f.model), '\n');
    console.log(formatEvaluation(`${f.name}: combination (model + rules, triage)`, f.combined), '\n');
    if (showMisses) console.log(formatMisses(f.combined), '\n');
  }
  if (figures.length > 1) {
    for (const part of ['rules', 'model', 'combined'] as const) console.log(formatEvaluation(`all files pooled: ${part}`, pool(figures.map((f) => f[part]))), '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`evaluate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
