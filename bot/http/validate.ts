// Request validation with zod: a body or query that does not fit is refused with 400 naming the field.
import { z } from 'zod';
import { invalid } from '../../handlers/errors';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  if (input === undefined || input === null) throw invalid(`${what} is missing`);
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
  throw invalid(`invalid ${what}: ${problems.join('; ')}`);
}
