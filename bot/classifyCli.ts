// `npm run --silent classify`: classifies JSON lines {"id","text"} from stdin with the configured classifier
// (the combination of LLM, model and rules: handlers/classify/buildClassifier.ts) and writes one JSON line
// {"id","category","urgency","confidence","source","latencyMs","triage"} per input line, in input order.
// `--compare FILE.jsonl` instead prints how the classifiers agree with each other and with the labels.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../config';
import { buildClassifier } from '../handlers/classify/buildClassifier';
import { readLabelledJsonl, type LabelledRow } from '../handlers/classify/evaluate';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
import { ModelClassifier } from '../handlers/classify/textModel';
import type { Classifier } from '../handlers/classify/types';
import { loadTaxonomy } from '../seeds/taxonomy';

interface CliInput {
  id: unknown;
  text: string;
}

/** Why a line cannot be classified, or the parsed line. */
function parseLine(line: string): { input: CliInput } | { problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return { problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { problem: 'not a JSON object' };
  const record = raw as Record<string, unknown>;
  if (typeof record.text !== 'string') return { problem: 'missing a string "text"' };
  return { input: { id: record.id ?? null, text: record.text } };
}

function write(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Reads every line of `input`, writes results to `output` and problems to `errors`.
 * Blank lines are skipped; a bad line is reported with its line number and processing continues.
 * Resolves to the process exit code: 1 when any line failed, else 0.
 */
export async function runClassifyCli(
  input: Readable,
  output: Writable,
  errors: Writable,
  classifier: Classifier,
): Promise<number> {
  let failures = 0;
  let lineNumber = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      failures += 1;
      await write(errors, `classify: line ${lineNumber}: ${parsed.problem}\n`);
      continue;
    }
    try {
      const started = performance.now();
      const result = await classifier.classify(parsed.input.text);
      const record = {
        id: parsed.input.id,
        category: result.category,
        urgency: result.urgency,
        confidence: result.confidence,
        source: result.source,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
        // Whether the bot would put it before the grid worker rather than decide it.
        triage: result.triage !== undefined,
      };
      await write(output, `${JSON.stringify(record)}\n`);
    } catch (error) {
      failures += 1;
      await write(
        errors,
        `classify: line ${lineNumber}: classifier failed (${error instanceof Error ? error.message : String(error)})\n`,
      );
    }
  }
  return failures > 0 ? 1 : 0;
}

/** `--compare`: each classifier's accuracy on the labels, and how often each pair gives the same category. */
export async function compareClassifiers(rows: LabelledRow[], classifiers: Classifier[]): Promise<string> {
  const answers = await Promise.all(classifiers.map(async (c) => Promise.all(rows.map(async (row) => (await c.classify(row.text)).category))));
  const share = (hits: number) => (rows.length ? (hits / rows.length).toFixed(3) : '-');
  const width = Math.max(...classifiers.map((c) => c.name.length), 8);
  const lines = [`${rows.length} labelled messages`, '', `${'classifier'.padEnd(width)}  accuracy`];
  classifiers.forEach((c, i) => lines.push(`${c.name.padEnd(width)}  ${share(rows.filter((row, n) => answers[i][n] === row.category).length)}`));
  lines.push('', `agreement (same category)`, `${''.padEnd(width)}  ${classifiers.map((c) => c.name.padStart(width)).join('  ')}`);
  classifiers.forEach((a, i) => {
    const cells = classifiers.map((_, j) => share(rows.filter((_row, n) => answers[i][n] === answers[j][n]).length).padStart(width));
    lines.push(`${a.name.padEnd(width)}  ${cells.join('  ')}`);
  });
  return lines.join('\n');
}

if (require.main === module) {
  const silent = pino({ level: 'silent' });
  const args = process.argv.slice(2);
  const compareAt = args.indexOf('--compare');
  (async () => {
    const taxonomy = loadTaxonomy();
    const built = buildClassifier(taxonomy, loadConfig().llm, silent);
    if (compareAt >= 0) {
      const file = args[compareAt + 1];
      if (!file) throw new Error('usage: npm run --silent classify -- --compare labelled.jsonl');
      const rules = new RuleClassifier(taxonomy);
      const parts: Classifier[] = [rules, ...(built.model ? [new ModelClassifier(built.model, { taxonomy, rules })] : []), ...(built.llm ? [built.llm] : []), built.classifier];
      process.stdout.write(`${await compareClassifiers(readLabelledJsonl(file), parts)}\n`);
      return 0;
    }
    return runClassifyCli(process.stdin, process.stdout, process.stderr, built.classifier);
  })().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
