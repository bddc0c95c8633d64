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

/**
 * A whole number in a query string: decimal digits only (`limit=0x10`, `1e3` or `12abc` are refused with 400),
 * and an empty value (`limit=`) means "not given", so the default applies.
 */
export function queryInt(bounds: { min: number; max: number; default: number }) {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()))
    .refine((value) => value === undefined || /^\d{1,9}$/.test(value), { message: 'must be a whole number in decimal digits' })
    .transform((value) => (value === undefined ? bounds.default : Number(value)))
    .pipe(z.number().int().min(bounds.min).max(bounds.max));
}
