// The LLM classifier's configuration (issue 15): any OpenAI-compatible server (DeepSeek, Qwen, Ollama, vLLM).
// None of OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL set → the classifier is off (rules only); a partial
// set stops the start naming what is missing; the tuning variables only count once the three are set.
import { z } from 'zod';

const wholeNumber = (min: number, max: number, unit: string) =>
  z.coerce
    .number({ message: `must be a whole number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);

const llmSchema = z.object({
  OPENAI_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must look like https://api.deepseek.com/v1 or http://127.0.0.1:11434/v1 (Ollama)'),
  /** Servers that need no key (a local Ollama) accept any non-empty one. */
  OPENAI_API_KEY: z.string().min(1),
  OPENAI_MODEL: z.string().regex(/^\S+$/, 'must be a model name without spaces, e.g. deepseek-chat or qwen-plus'),
  OPENAI_TIMEOUT_MS: wholeNumber(100, 120_000, 'milliseconds').default(4000),
  LLM_BREAKER_FAILURES: wholeNumber(1, 1000, 'failures').default(5),
  LLM_BREAKER_COOL_DOWN_S: wholeNumber(1, 86_400, 'seconds').default(60),
  /** 0 turns the cache off. */
  LLM_CACHE_MINUTES: wholeNumber(0, 10_080, 'minutes').default(30),
});

export interface LlmConfig {
  /** The OpenAI-compatible API root the SDK appends `/chat/completions` to, without a trailing slash. */
  baseUrl: string;
  apiKey: string;
  /** Also names the classifier: `llm:<model>`. */
  model: string;
  /** One request's whole budget (connect, answer, body): past it the fallback answers. */
  timeoutMs: number;
  /** After `failuresInARow` failures the model is not called for `coolDownMs`, then one trial call goes through. */
  breaker: { failuresInARow: number; coolDownMs: number };
  /** How long an answer is reused for the same (normalised) text; 0: never. */
  cacheTtlMs: number;
}

export const LLM_REQUIRED_VARS = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_MODEL'] as const;
const LLM_VARS = [...LLM_REQUIRED_VARS, 'OPENAI_TIMEOUT_MS', 'LLM_BREAKER_FAILURES', 'LLM_BREAKER_COOL_DOWN_S', 'LLM_CACHE_MINUTES'] as const;

/** Returns null when none of the three required variables is set; throws with every problem when the set is partial or wrong. */
export function loadLlmConfig(env: Record<string, string | undefined>): LlmConfig | null {
  // An exported-but-empty variable (`OPENAI_MODEL=`) means "not set", as in config/index.ts.
  const present = LLM_VARS.filter((key) => env[key] !== undefined && env[key] !== '');
  const required = LLM_REQUIRED_VARS.filter((key) => present.includes(key));
  if (required.length === 0) return null;

  const problems: string[] = [];
  const absent = LLM_REQUIRED_VARS.filter((key) => !present.includes(key));
  if (absent.length > 0) {
    problems.push(`the LLM classifier needs ${absent.join(', ')} as well (set all of ${LLM_REQUIRED_VARS.join(', ')}, or none for rules only)`);
  }
  const parsed = llmSchema.safeParse(Object.fromEntries(present.map((key) => [key, env[key]])));
  if (!parsed.success) {
    // The missing ones are named above; the issues say what is wrong with the ones that are set. Values are never echoed.
    for (const issue of parsed.error.issues) {
      const name = issue.path.join('.');
      if (!absent.includes(name as (typeof LLM_REQUIRED_VARS)[number])) problems.push(`${name} ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new Error(problems.join('\n  '));

  const e = parsed.data;
  return {
    baseUrl: e.OPENAI_BASE_URL.replace(/\/+$/, ''),
    apiKey: e.OPENAI_API_KEY,
    model: e.OPENAI_MODEL,
    timeoutMs: e.OPENAI_TIMEOUT_MS,
    breaker: { failuresInARow: e.LLM_BREAKER_FAILURES, coolDownMs: e.LLM_BREAKER_COOL_DOWN_S * 1000 },
    cacheTtlMs: e.LLM_CACHE_MINUTES * 60_000,
  };
}
