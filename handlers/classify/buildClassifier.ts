// The classifier the configuration asks for, assembled once: the rules always; the trained model from
// seeds/classifier-model.json unless its file is missing or invalid (then the rules alone, said in the log);
// the LLM when OPENAI_* is set, falling back to the model; combined by one policy (combinedClassifier.ts).
import type { Logger } from 'pino';
import type { LlmConfig } from '../../config/llm';
import type { Taxonomy } from '../../seeds/taxonomy';
import { CombinedClassifier, DEFAULT_THRESHOLDS } from './combinedClassifier';
import { LlmClassifier } from './llmClassifier';
import { RuleClassifier } from './ruleClassifier';
import { loadTextModel, type TextModel } from './textModel';

export interface BuiltClassifier {
  classifier: CombinedClassifier;
  llm: LlmClassifier | null;
  model: TextModel | null;
}

export function buildClassifier(taxonomy: Taxonomy, llmConfig: LlmConfig | null, log: Logger, modelFile?: string): BuiltClassifier {
  const rules = new RuleClassifier(taxonomy);
  const model = loadModelOrNothing(taxonomy, log, modelFile);
  const withoutLlm = new CombinedClassifier({ taxonomy, rules, model, llm: null, thresholds: DEFAULT_THRESHOLDS });
  if (!llmConfig) return { classifier: withoutLlm, llm: null, model };
  // When the LLM fails, the same policy answers without it (model and rules).
  const llm = new LlmClassifier({ config: llmConfig, taxonomy, log, fallback: withoutLlm });
  return { classifier: new CombinedClassifier({ taxonomy, rules, model, llm, thresholds: DEFAULT_THRESHOLDS }), llm, model };
}

/** The shipped model, checked against this taxonomy: a model that knows other codes is not used. */
function loadModelOrNothing(taxonomy: Taxonomy, log: Logger, file?: string): TextModel | null {
  try {
    const model = loadTextModel(file);
    const unknown = model.labels.filter((label) => !taxonomy.isIncidentCategory(label) && label !== 'consult' && label !== 'chat');
    if (unknown.length) throw new Error(`it knows categories the taxonomy does not: ${unknown.join(', ')}; run npm run train`);
    return model;
  } catch (error) {
    log.warn({ err: error }, 'trained classifier model not used; classifying with the rules alone');
    return null;
  }
}
