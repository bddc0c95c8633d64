// The LLM classifier (issue 15): asks an OpenAI-compatible model (DeepSeek, Qwen, Ollama, vLLM) for the category,
// urgency, a one-line summary and the place. Personal numbers are masked before the text leaves the machine; any
// failure is answered by the fallback classifier, marked as such, and a circuit breaker stops calling a model that
// keeps failing so that a dead endpoint costs nothing but a log line.
import { performance } from 'node:perf_hooks';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Logger } from 'pino';
import type { LlmConfig } from '../../config/llm';
import type { Taxonomy } from '../../seeds/taxonomy';
import { loadClassifyPrompt, parseLlmAnswer, type ClassifyPrompt, type LlmAnswer } from './llmPrompt';
import { maskPersonal } from './maskPersonal';
import { normaliseText } from './ruleClassifier';
import type { Classification, Classifier } from './types';

/** Why the model's answer was not used; the fallback's source carries it (`rules-fallback:timeout`). */
export type LlmFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'http_error'
  | 'network'
  | 'invalid_json'
  | 'invalid_answer'
  | 'breaker_open'
  | 'internal';

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface LlmLatency {
  /** The last call to the model, answered or failed, in ms; cache hits and calls the breaker stopped are not calls. */
  lastMs: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** How many calls the percentiles are over (the last LATENCY_WINDOW). */
  samples: number;
}

export interface LlmHealth {
  state: BreakerState;
  failuresInARow: number;
  /** While open: when the next (trial) call may go through, ISO 8601. */
  openUntil?: string;
  /** The last failure, masked: `timeout: llm:qwen-plus gave no answer within 300 ms`. */
  lastError?: string;
  latency: LlmLatency;
  /** Since start: calls made, answers from the cache, answers from the fallback. */
  counts: { calls: number; cacheHits: number; fallbacks: number };
}

export interface LlmClassifierOptions {
  config: LlmConfig;
  taxonomy: Taxonomy;
  log: Logger;
  /** Breaker cool-down and cache expiry run on it; latency is measured on the monotonic clock regardless. */
  clock?: () => Date;
  /** Answers whenever the model does not (the rules, or the model+rules combination). */
  fallback: Classifier;
  /** Most texts remembered; the oldest are dropped first. Default 5,000. */
  cacheSize?: number;
  /** Default: prompts/ v1 rendered from `taxonomy`. */
  prompt?: ClassifyPrompt;
}

export const LLM_SOURCE_PREFIX = 'llm:';
export const DEFAULT_CACHE_SIZE = 5000;
export const LATENCY_WINDOW = 200;

/** A failure of the LLM path with its kind; its message never carries the resident's numbers (they were masked). */
class LlmFailure extends Error {
  constructor(
    readonly kind: LlmFailureKind,
    message: string,
  ) {
    super(message);
  }
}

interface CacheEntry {
  answer: LlmAnswer;
  expiresAt: number;
}

export class LlmClassifier implements Classifier {
  readonly name: string;
  private readonly client: OpenAI;
  private readonly prompt: ClassifyPrompt;
  private readonly clock: () => Date;
  private readonly cacheSize: number;
  private readonly cache = new Map<string, CacheEntry>();
  /** Texts being asked right now: a second identical message waits for the first answer instead of asking again. */
  private readonly inFlight = new Map<string, Promise<LlmAnswer>>();
  private state: 'closed' | 'open' = 'closed';
  private failuresInARow = 0;
  private openUntil = 0;
  private isTrialRunning = false;
  private lastError: string | undefined;
  private readonly latencies: number[] = [];
  private lastLatencyMs: number | null = null;
  private readonly counts = { calls: 0, cacheHits: 0, fallbacks: 0 };

  constructor(private readonly options: LlmClassifierOptions) {
    const { config, taxonomy, log } = options;
    this.name = `${LLM_SOURCE_PREFIX}${config.model}`;
    this.prompt = options.prompt ?? loadClassifyPrompt(taxonomy);
    this.clock = options.clock ?? (() => new Date());
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    const sdkLog = log.child({ classifier: this.name, component: 'openai-sdk' });
    this.client = new OpenAI({
      baseURL: config.baseUrl,
      apiKey: config.apiKey,
      timeout: config.timeoutMs,
      // The fallback is the retry: a resident's report does not wait for a second attempt.
      maxRetries: 0,
      // Not read from the environment: OPENAI_ORG_ID / OPENAI_PROJECT_ID are OpenAI's and must not reach another vendor.
      organization: null,
      project: null,
      // The SDK's own lines go to our log as messages only, never with request details.
      logger: {
        error: (message) => sdkLog.error(message),
        warn: (message) => sdkLog.warn(message),
        info: (message) => sdkLog.info(message),
        debug: (message) => sdkLog.debug(message),
      },
    });
  }

  async classify(text: string): Promise<Classification> {
    let sent: string;
    try {
      // Masked first, so neither the model, the cache nor a log ever holds the numbers.
      sent = normaliseText(maskPersonal(text));
    } catch (error) {
      return this.fallBack(text, new LlmFailure('internal', `cannot prepare the text: ${describe(error)}`));
    }
    const cached = this.fromCache(sent);
    if (cached) {
      this.counts.cacheHits += 1;
      return this.present(cached);
    }
    const pending = this.inFlight.get(sent);
    if (pending) {
      return pending.then(
        (answer) => this.present(answer),
        (error: unknown) => this.fallBack(text, asFailure(error, this.name, this.options.config.timeoutMs)),
      );
    }
    const admission = this.admit();
    if (admission instanceof LlmFailure) return this.fallBack(text, admission);

    const asking = this.ask(sent, admission.isTrial);
    this.inFlight.set(sent, asking);
    try {
      const answer = await asking;
      this.remember(sent, answer);
      return this.present(answer);
    } catch (error) {
      return this.fallBack(text, asFailure(error, this.name, this.options.config.timeoutMs));
    } finally {
      this.inFlight.delete(sent);
    }
  }

  /** For /healthz: the breaker, the last failure, the added latency and counts. */
  health(): LlmHealth {
    return {
      state: this.breakerState(),
      failuresInARow: this.failuresInARow,
      ...(this.state === 'open' ? { openUntil: new Date(this.openUntil).toISOString() } : {}),
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      latency: this.latency(),
      counts: { ...this.counts },
    };
  }

  /** The time the model adds to a classification: the last call and p50 / p95 over the last LATENCY_WINDOW calls. */
  latency(): LlmLatency {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      lastMs: this.lastLatencyMs,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      samples: sorted.length,
    };
  }

  /** Open, once the cool-down has passed, reads as half-open: the next call is the trial. */
  private breakerState(): BreakerState {
    if (this.state === 'closed') return 'closed';
    return this.clock().getTime() >= this.openUntil ? 'half_open' : 'open';
  }

  /** Closed: go. Open and cooling down: refuse. Open and cooled down: one trial call (half-open), the rest refused. */
  private admit(): LlmFailure | { isTrial: boolean } {
    const state = this.breakerState();
    if (state === 'closed') return { isTrial: false };
    if (state === 'open') {
      return new LlmFailure('breaker_open', `breaker open after ${this.failuresInARow} failures in a row, until ${new Date(this.openUntil).toISOString()}`);
    }
    if (this.isTrialRunning) return new LlmFailure('breaker_open', 'breaker half-open: a trial call is in flight');
    this.isTrialRunning = true;
    this.options.log.info({ classifier: this.name }, 'llm breaker half-open: one trial call');
    return { isTrial: true };
  }

  private async ask(sent: string, isTrial: boolean): Promise<LlmAnswer> {
    const { config, taxonomy } = this.options;
    const started = performance.now();
    this.counts.calls += 1;
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: config.model,
          messages: this.prompt.messagesFor(sent),
          response_format: { type: 'json_object' },
          temperature: 0,
        },
        // The SDK's timeout ends at the response headers; this deadline also covers a body that never finishes.
        { signal: AbortSignal.timeout(config.timeoutMs) },
      );
      const content = completion.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || content.trim() === '') {
        throw new LlmFailure('invalid_answer', `no message content (finish_reason ${completion.choices?.[0]?.finish_reason ?? 'none'})`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(withoutCodeFence(content));
      } catch {
        throw new LlmFailure('invalid_json', `content is not JSON: ${snippet(content)}`);
      }
      const parsed = parseLlmAnswer(raw, taxonomy, sent);
      if (!parsed.ok) throw new LlmFailure('invalid_answer', parsed.problem);
      this.recordSuccess(isTrial);
      // Belt and braces: the model saw only masked text, but its words go onto cards and into logs.
      const { summary, place } = parsed.answer;
      return { ...parsed.answer, summary: maskPersonal(summary), place: place === null ? null : maskPersonal(place) };
    } catch (error) {
      this.recordFailure(asFailure(error, this.name, config.timeoutMs), isTrial);
      throw error;
    } finally {
      this.recordLatency(performance.now() - started);
    }
  }

  /** Any answer closes the breaker: the model works (a slow call admitted before it opened counts too). */
  private recordSuccess(isTrial: boolean): void {
    if (isTrial) this.isTrialRunning = false;
    if (this.state === 'open') this.options.log.info({ classifier: this.name }, 'llm breaker closed: the model answered again');
    this.state = 'closed';
    this.failuresInARow = 0;
  }

  /**
   * The N-th failure in a row opens the breaker; a failed trial opens it again for another cool-down. A call admitted
   * before it opened that fails afterwards only counts: it must not restart the cool-down.
   */
  private recordFailure(failure: LlmFailure, isTrial: boolean): void {
    const { breaker } = this.options.config;
    this.failuresInARow += 1;
    this.lastError = `${failure.kind}: ${failure.message}`;
    if (isTrial) this.isTrialRunning = false;
    if (isTrial || (this.state === 'closed' && this.failuresInARow >= breaker.failuresInARow)) {
      this.state = 'open';
      this.openUntil = this.clock().getTime() + breaker.coolDownMs;
      this.options.log.warn(
        { classifier: this.name, failuresInARow: this.failuresInARow, openUntil: new Date(this.openUntil).toISOString(), reason: failure.kind },
        isTrial ? 'llm breaker open again: the trial call failed' : 'llm breaker open: the model is not called until the cool-down ends',
      );
    }
  }

  private recordLatency(ms: number): void {
    const rounded = Math.round(ms * 10) / 10;
    this.lastLatencyMs = rounded;
    this.latencies.push(rounded);
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.shift();
  }

  private fromCache(key: string): LlmAnswer | undefined {
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock().getTime()) {
      this.cache.delete(key);
      return undefined;
    }
    // Map order is the eviction order: a hit moves the entry to the young end.
    this.cache.delete(key);
    this.cache.set(key, entry);
    return entry.answer;
  }

  private remember(key: string, answer: LlmAnswer): void {
    const ttl = this.options.config.cacheTtlMs;
    if (ttl <= 0 || this.cacheSize <= 0) return;
    this.cache.delete(key);
    this.cache.set(key, { answer, expiresAt: this.clock().getTime() + ttl });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
    }
  }

  private present(answer: LlmAnswer): Classification {
    return { ...answer, source: this.name };
  }

  /** The fallback's answer, marked: its source gains `-fallback:<kind>`, fallbackReason says what happened. */
  private async fallBack(text: string, failure: LlmFailure): Promise<Classification> {
    this.counts.fallbacks += 1;
    const reason = `${this.name} ${failure.kind}: ${failure.message}`;
    // Warn for a failed call; a call the breaker stopped was already explained when it opened.
    const level = failure.kind === 'breaker_open' ? 'debug' : 'warn';
    this.options.log[level](
      { classifier: this.name, fallback: this.options.fallback.name, reason: failure.kind, fallbackReason: reason, breaker: this.breakerState() },
      'llm classifier fell back',
    );
    const answer = await this.options.fallback.classify(text);
    return { ...answer, source: `${answer.source}-fallback:${failure.kind}`, fallbackReason: reason };
  }
}

/** What went wrong, as a kind and a masked, short message. */
function asFailure(error: unknown, name: string, timeoutMs: number): LlmFailure {
  if (error instanceof LlmFailure) return error;
  if (error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError || isAbortTimeout(error)) {
    return new LlmFailure('timeout', `${name} gave no answer within ${timeoutMs} ms`);
  }
  if (error instanceof APIConnectionError) return new LlmFailure('network', `cannot reach the server: ${snippet(describe(error.cause ?? error))}`);
  if (error instanceof APIError && error.status === 429) return new LlmFailure('rate_limited', `HTTP 429: ${snippet(error.message)}`);
  if (error instanceof APIError) return new LlmFailure('http_error', `HTTP ${error.status ?? '?'}: ${snippet(error.message)}`);
  return new LlmFailure('internal', snippet(describe(error)));
}

function isAbortTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Some servers wrap JSON mode's object in a ```json fence anyway; that much is forgiven. */
function withoutCodeFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/u.exec(content);
  return fenced ? fenced[1]! : content;
}

/** At most 120 characters, personal numbers masked: error text can echo what was sent. */
function snippet(value: string): string {
  const masked = maskPersonal(value.replace(/\s+/gu, ' ').trim());
  return masked.length > 120 ? `${masked.slice(0, 120)}…` : masked;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}
