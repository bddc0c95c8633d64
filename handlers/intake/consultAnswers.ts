// Answers to common resident questions, kept as data in seeds/consult-answers.json so a street can edit them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';

const fileSchema = z.object({
  answers: z.array(z.object({ topic: z.string(), match: z.array(z.string()).min(1), answer: z.string().min(1) })),
});

interface ConsultEntry {
  topic: string;
  patterns: RegExp[];
  answer: string;
}

export class ConsultAnswers {
  private readonly entries: ConsultEntry[];

  constructor(data: z.infer<typeof fileSchema>) {
    this.entries = data.answers.map((entry) => ({
      topic: entry.topic,
      answer: entry.answer,
      patterns: entry.match.map((source) => {
        try {
          return new RegExp(source, 'i');
        } catch (error) {
          throw new Error(`consult answer "${entry.topic}": bad pattern ${source}: ${(error as Error).message}`);
        }
      }),
    }));
  }

  /**
   * The answer that matches the question best, or null when a person should answer. Best, not first: "社区
   * 医院周末打不打疫苗" touches the office-hours entry (社区…周末) but the clinic entry more (疫苗, 社区医院…周末).
   * An entry scores the characters its patterns cover in the question (overlaps counted once); ties go to the
   * entry listed first.
   */
  find(question: string): { topic: string; answer: string } | null {
    let best: { entry: ConsultEntry; score: number } | null = null;
    for (const entry of this.entries) {
      const score = coveredCharacters(entry.patterns, question);
      if (score > 0 && (!best || score > best.score)) best = { entry, score };
    }
    return best ? { topic: best.entry.topic, answer: best.entry.answer } : null;
  }
}

/** How many characters of the text the patterns' matches cover together. */
function coveredCharacters(patterns: RegExp[], text: string): number {
  const covered = new Uint8Array(text.length);
  for (const pattern of patterns) {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    for (const match of text.matchAll(global)) {
      if (!match[0]) continue;
      covered.fill(1, match.index, match.index + match[0].length);
    }
  }
  return covered.reduce((sum, bit) => sum + bit, 0);
}

export function loadConsultAnswers(file = fromProjectRoot('seeds', 'consult-answers.json')): ConsultAnswers {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`consult answers ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  return new ConsultAnswers(parsed.data);
}
