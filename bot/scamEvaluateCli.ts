// `npm run --silent evaluate:scam -- FILE.jsonl [...] [--misses]`: measures the scam-bait detector on labelled
// messages ({"id","text","category","urgency"} per line), per file and pooled: false alarms on chat + consult,
// fraud reports and other incidents flagged, recall and type-naming on scam_content; for the detector alone and
// given the classifier's verdict (its model trained without the scored file). `--misses` lists every false
// alarm and miss. A file that is not labelled messages is an error naming its line.
import path from 'node:path';
import { readLabelledJsonl } from '../handlers/classify/evaluate';
import type { LabelledFile } from '../handlers/classify/heldOutEvaluation';
import { evaluateScamDetector, formatScamFigures, formatScamMistakes, poolScamFigures } from '../handlers/fraud/scamEvaluation';
import { defaultScamTypes } from '../handlers/fraud/scamBait';
import { loadTaxonomy } from '../seeds/taxonomy';
import { fixtureLabelledFiles } from './trainCli';

function readLabelledFiles(files: readonly string[]): LabelledFile[] {
  return files.map((file) => ({ name: path.basename(file), rows: readLabelledJsonl(file) }));
}

async function main(args: string[]): Promise<number> {
  const showMisses = args.includes('--misses');
  const files = readLabelledFiles(args.filter((a) => a !== '--misses'));
  if (files.length === 0) {
    console.error('usage: npm run --silent evaluate:scam -- labelled.jsonl [more.jsonl …] [--misses]');
    return 2;
  }
  const training = readLabelledFiles(fixtureLabelledFiles());
  const figures = await evaluateScamDetector(files, training, loadTaxonomy(), defaultScamTypes());
  for (const f of figures) {
    console.log(formatScamFigures(f.name, f.alone, f.withClassifier), '\n');
    if (showMisses) {
      console.log(formatScamMistakes('detector alone', f.alone));
      console.log(formatScamMistakes('with classifier', f.withClassifier), '\n');
    }
  }
  if (figures.length > 1) {
    const alone = poolScamFigures(figures.map((f) => f.alone));
    const withClassifier = poolScamFigures(figures.map((f) => f.withClassifier));
    console.log(formatScamFigures(`pooled: ${figures.map((f) => f.name).join(', ')}`, alone, withClassifier), '\n');
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`evaluate:scam: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
