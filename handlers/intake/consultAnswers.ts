// Answers to common resident questions, kept as data in seeds/consult-answers.json so a street can edit them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';

const fileSchema = z.object({
  answers: z.array(z.object({ topic: z.string(), match: z.array(z.string()).min(1), answer: z.string().min(1) })),
});

export class ConsultAnswers {
  private readonly entries: { topic: string; patterns: RegExp[]; answer: string }[];

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

  /** The first answer whose pattern matches the question, or null when a person should answer. */
  find(question: string): { topic: string; answer: string } | null {
    const entry = this.entries.find((e) => e.patterns.some((p) => p.test(question)));
    return entry ? { topic: entry.topic, answer: entry.answer } : null;
  }
}

export function loadConsultAnswers(file = fromProjectRoot('seeds', 'consult-answers.json')): ConsultAnswers {
  const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`consult answers ${file} are invalid: ${z.prettifyError(parsed.error)}`);
  return new ConsultAnswers(parsed.data);
}
