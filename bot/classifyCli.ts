// `npm run --silent classify`: classifies JSON lines {"id","text"} from stdin and writes one JSON line
// {"id","category","urgency","confidence","source"} per input line to stdout, in input order.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { RuleClassifier } from '../handlers/classify/ruleClassifier';
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
      const result = await classifier.classify(parsed.input.text);
      const record = {
        id: parsed.input.id,
        category: result.category,
        urgency: result.urgency,
        confidence: result.confidence,
        source: result.source,
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

if (require.main === module) {
  let classifier: Classifier;
  try {
    classifier = new RuleClassifier(loadTaxonomy());
  } catch (error) {
    process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  runClassifyCli(process.stdin, process.stdout, process.stderr, classifier).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`classify: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
