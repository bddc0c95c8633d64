// What every classifier (rules now, an LLM later) answers for one resident message.
import type { Urgency } from '../../seeds/taxonomy';

export interface Classification {
  /** A taxonomy category code, or a non-incident code (`consult`, `chat`). */
  category: string;
  /** null for non-incidents (consult, chat). */
  urgency: Urgency | null;
  /** 0..1: how sure the classifier is; low values may be routed to a person. */
  confidence: number;
  /** Which classifier decided, e.g. `rules` or `llm:deepseek-chat`. */
  source: string;
  /** One-line summary of the report (一句话摘要, at most 30 characters), when the classifier writes one (the LLM does). */
  summary?: string;
  /** The place as the resident wrote it (楼栋/单元/路名), or null when they named none; absent when not looked for. */
  place?: string | null;
  /**
   * Set when a fallback classifier answered: why the preferred one could not (timeout, HTTP 429, invalid answer …).
   * The source then says so too, e.g. `rules-fallback:timeout`.
   */
  fallbackReason?: string;
  /**
   * Set when the message is neither confidently chat nor confidently an incident: it goes before the grid
   * worker as a triage card with these guesses (incident categories, likeliest first) instead of being decided.
   */
  triage?: { category: string; confidence: number }[];
}

export interface Classifier {
  readonly name: string;
  classify(text: string): Promise<Classification>;
}
