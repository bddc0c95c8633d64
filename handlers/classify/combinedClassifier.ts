// How the classifiers combine: one written policy (README "How the classifiers combine").
// 1. The primary answer: the LLM's when one is configured and answered (its own fallback is the model), else
//    the trained model's, else the rules'.
// 2. The rules' critical veto: when a critical rule fires (明火, 煤气味, 有人被困, 晕倒, 落水 …) the case is
//    critical, in the primary's category if the rule covers it, else in the rules' category. No model
//    downgrades it, and no model turns it into chat.
// 3. Confidence: the primary's; agreement with the rules on the category raises it.
// 4. Never silent: a model's (or LLM's) incident below `incidentAt`, or chat below `chatAt`, that the rules
//    do not back up, goes to triage (a card before the grid worker) with the likeliest incident categories as guesses.
//    Only confident chat is left alone; an invalid category from any classifier is never acted on.
import type { Taxonomy } from '../../seeds/taxonomy';
import { CHAT, CONSULT } from '../../seeds/taxonomy';
import { isNonIncident } from './evaluate';
import type { RuleClassifier } from './ruleClassifier';
import type { RankedLabel, TextModel } from './textModel';
import type { Classification, Classifier } from './types';

export interface CombinationThresholds {
  /** An incident answer at least this sure is decided; below it, unless the rules agree, it goes to triage. */
  incidentAt: number;
  /** A chat answer at least this sure is left alone; below it, triage. */
  chatAt: number;
}

export interface CombinedParts {
  taxonomy: Taxonomy;
  rules: RuleClassifier;
  /** The trained model, or null when its file is missing or invalid (the rules answer then). */
  model: TextModel | null;
  /** The LLM classifier (whose fallback is the model), or null when none is configured. */
  llm: Classifier | null;
  thresholds: CombinationThresholds;
}

/** Chosen on the labelled files' out-of-fold predictions (see the README); a street may tune its own. */
export const DEFAULT_THRESHOLDS: CombinationThresholds = { incidentAt: 0.5, chatAt: 0.5 };

/**
 * Held out by file on the labelled messages (README): the urgency head at its own threshold (P(critical) ≥
 * 0.25) finds 98.6% of critical cases and calls 7.3% of the others critical; at 0.3 it would find 96.5% and
 * call 3.5%. A missed critical case costs more than a hurried one, so the head's own threshold stands.
 */
const AGREEMENT_BONUS = 0.15;
const GUESSES = 3;

export class CombinedClassifier implements Classifier {
  readonly name: string;

  constructor(private readonly parts: CombinedParts) {
    this.name = [parts.llm?.name, parts.model ? 'model' : null, 'rules'].filter(Boolean).join('+');
  }

  async classify(text: string): Promise<Classification> {
    const { rules, llm } = this.parts;
    const ruled = rules.classifyText(text);
    const fromLlm = this.valid(llm ? await llm.classify(text) : null);
    // The LLM's fallback is this same policy without the LLM: its answer is already decided.
    if (fromLlm?.fallbackReason) return fromLlm;
    const modelled = fromLlm ? null : this.modelAnswer(text, ruled);
    const primary = fromLlm ?? modelled?.answer ?? ruled;
    return this.decide(text, primary, ruled, modelled?.ranked);
  }

  /** Steps 2–4 for a primary answer and the rules' answer; `ranked`: the model's ranking when it was already worked out. */
  private decide(text: string, primary: Classification, ruled: Classification, ranked?: readonly RankedLabel[]): Classification {
    const { rules } = this.parts;
    // Critical by the rules: a critical rule fired, or the rules' category is critical by its nature (火情燃气险情).
    const primaryIsIncident = !isNonIncident(primary.category);
    const criticalForPrimary = primaryIsIncident && (rules.criticalCategories(text).includes(primary.category) || (ruled.urgency === 'critical' && rules.urgencyFor(primary.category, text).urgency === 'critical'));
    if (criticalForPrimary) return { ...primary, urgency: 'critical', confidence: Math.max(primary.confidence, ruled.confidence) };
    if (ruled.urgency === 'critical') return { ...ruled, source: `${ruled.source}:critical-veto`, ...(primary.fallbackReason ? { fallbackReason: primary.fallbackReason } : {}) };
    // The rules' own answers (no model, or nothing better) are decided as they always were.
    if (primary === ruled) return ruled;
    const agrees = primary.category === ruled.category;
    const confidence = agrees ? Math.min(1, round(primary.confidence + AGREEMENT_BONUS * ruled.confidence)) : primary.confidence;
    const decided = { ...primary, confidence };
    if (primary.category === CONSULT) return decided;
    const { incidentAt, chatAt } = this.parts.thresholds;
    const sure = primary.category === CHAT ? confidence >= chatAt && isNonIncident(ruled.category) : confidence >= incidentAt || agrees;
    if (sure) return decided;
    return { ...decided, triage: this.guesses(text, primary, ruled, ranked) };
  }

  /** The model's answer (null when there is no model or it named no valid code) and its full ranking, from one vector. */
  private modelAnswer(text: string, ruled: Classification): { answer: Classification | null; ranked: readonly RankedLabel[] } | null {
    const { model, taxonomy } = this.parts;
    if (!model) return null;
    const vector = model.vectorise(text);
    const prediction = model.predictVector(vector);
    const category = prediction.label;
    const confidence = round(prediction.probability);
    if (isNonIncident(category)) return { answer: { category, urgency: null, confidence, source: 'model' }, ranked: prediction.ranked };
    // Critical when the model's urgency head says so (at the file's own threshold); otherwise the rules'
    // urgency for this category (they tell high from normal better; their critical rules are the veto below).
    const isCritical = model.predictUrgencyVector(vector)?.label === 'critical';
    const urgency = isCritical ? 'critical' : this.parts.rules.urgencyFor(category, text).urgency ?? taxonomy.category(category).urgency;
    const answer = this.valid({ category, urgency, confidence, source: 'model' }) ?? (ruled.category === category ? ruled : null);
    return { answer, ranked: prediction.ranked };
  }

  /** An answer naming a code the taxonomy does not have is no answer (and never an error to retry). */
  private valid(answer: Classification | null): Classification | null {
    if (!answer) return null;
    return isNonIncident(answer.category) || this.parts.taxonomy.isIncidentCategory(answer.category) ? answer : null;
  }

  private guesses(text: string, primary: Classification, ruled: Classification, ranked?: readonly RankedLabel[]): { category: string; confidence: number }[] {
    const { model, taxonomy } = this.parts;
    const modelRanking = ranked ?? (model ? model.predict(text).ranked : []);
    const fromModel = modelRanking.map((r) => ({ category: r.label, confidence: round(r.probability) }));
    const candidates = [primary, ruled, ...fromModel].filter((c) => taxonomy.isIncidentCategory(c.category));
    const seen = new Set<string>();
    return candidates.filter((c) => !seen.has(c.category) && seen.add(c.category)).slice(0, GUESSES).map((c) => ({ category: c.category, confidence: c.confidence }));
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
