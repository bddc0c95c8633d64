// `npm run --silent evaluate:merge -- [--misses] [--split tune|test]`: measures the same-problem decision
// (handlers/incidents/sameProblem) on the written pairs and the labelled sets in test/fixtures, per split,
// and with --misses prints every wrong and missed merge verbatim. The thresholds were chosen on `tune`;
// `test` is the figure to quote.
import { fromProjectRoot } from '../config/projectRoot';
import { DEFAULT_SAME_PROBLEM_POLICY } from '../handlers/incidents/sameProblem';
import {
  SPLITS, evaluateSameProblem, formatMergeFigures, formatMergeMisses, readMergePairs, type Split,
} from '../handlers/incidents/sameProblemEvaluation';
import { fixtureLabelledFiles, readLabelledSets } from './trainCli';

const MERGE_PAIRS_FILE = fromProjectRoot('test', 'fixtures', 'same-problem-pairs.jsonl');

function splitsAsked(args: readonly string[]): Split[] {
  const at = args.indexOf('--split');
  if (at === -1) return [...SPLITS];
  const asked = args[at + 1];
  if (!SPLITS.includes(asked as Split)) throw new Error(`--split takes ${SPLITS.join(' or ')}, not ${asked ?? 'nothing'}`);
  return [asked as Split];
}

function main(args: string[]): number {
  const showMisses = args.includes('--misses');
  const files = readLabelledSets(fixtureLabelledFiles());
  const pairs = readMergePairs(MERGE_PAIRS_FILE);
  for (const split of splitsAsked(args)) {
    const figures = evaluateSameProblem(files, pairs, split, DEFAULT_SAME_PROBLEM_POLICY);
    console.log(formatMergeFigures(figures, DEFAULT_SAME_PROBLEM_POLICY), '\n');
    if (showMisses) console.log(formatMergeMisses(figures), '\n');
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error: unknown) {
  console.error(`evaluate:merge: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
