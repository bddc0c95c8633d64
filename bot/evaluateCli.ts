// `npm run --silent evaluate -- FILE.jsonl [...] [--misses]`: measures the configured classifier on labelled
// messages ({"id","text","category","urgency"} per line) and prints the figures the floors are stated in.
// A street uses it to check its own rule edits against its own labelled messages.
import path from 'node:path';
import { evaluateClassifier, formatEvaluation, formatMisses, readLabelledJsonl } from '../handlers/classify/evaluate';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { loadTaxonomy } from '../seeds/taxonomy';

async function main(args: string[]): Promise<number> {
  const showMisses = args.includes('--misses');
  const files = args.filter((a) => a !== '--misses');
  if (files.length === 0) {
    console.error('usage: npm run --silent evaluate -- labelled.jsonl [more.jsonl …] [--misses]');
    return 2;
  }
  const classifier = new RuleClassifier(loadTaxonomy());
  for (const file of files) {
    const evaluation = await evaluateClassifier(classifier, readLabelledJsonl(file));
    console.log(formatEvaluation(path.basename(file), evaluation));
    if (showMisses) console.log(formatMisses(evaluation));
    console.log('');
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
