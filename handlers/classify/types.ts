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
}

export interface Classifier {
  readonly name: string;
  classify(text: string): Promise<Classification>;
}
