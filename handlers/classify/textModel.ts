// The trained text classifier: the model file format (seeds/classifier-model.json, written by
// `npm run train`), its validating loader, and prediction: a softmax over TF-IDF character n-grams, plus
// an optional second softmax for urgency. Hand-written (no well-kept JavaScript library does sparse
// multinomial logistic regression); trainModel.ts says how it is trained and what it scores.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fromProjectRoot } from '../../config/projectRoot';
import { URGENCIES, type Taxonomy, type Urgency } from '../../seeds/taxonomy';
import { isNonIncident } from './evaluate';
import type { RuleClassifier } from './ruleClassifier';
import { textNgrams, tfidfVector, vocabularyIndex, type FeatureOptions, type SparseVector } from './textFeatures';
import type { Classification, Classifier } from './types';

export const MODEL_SOURCE = 'model';
export const TEXT_MODEL_FORMAT = 'grid-text-model';
export const TEXT_MODEL_VERSION = 1;

const softmaxHeadShape = {
  labels: z.array(z.string().min(1)).min(2),
  /** Per label (keyed by label, in `labels` order): one weight per vocabulary entry. */
  weights: z.record(z.string(), z.array(z.number())),
  /** Per label, aligned with `labels`. */
  bias: z.array(z.number()),
};

const urgencyHeadSchema = z
  .object({
    ...softmaxHeadShape,
    labels: z.array(z.enum(URGENCIES)).min(2),
    /** Critical when its probability reaches this, even if another urgency is likelier: a missed emergency costs more. */
    criticalThreshold: z.number().gt(0).max(1),
  })
  .strict();

const textModelSchema = z
  .object({
    format: z.literal(TEXT_MODEL_FORMAT),
    version: z.literal(TEXT_MODEL_VERSION),
    /** Allowed for a hand-made file; `npm run train` leaves it out so the same rows give the same bytes. */
    trainedAt: z.string().optional(),
    features: z
      .object({
        ngramMin: z.number().int().min(1),
        ngramMax: z.number().int().min(1),
        mapDigits: z.boolean(),
      })
      .strict()
      .refine((f) => f.ngramMin <= f.ngramMax, 'ngramMin must not exceed ngramMax'),
    /** How it was trained, for the reader; prediction does not use it. */
    training: z.record(z.string(), z.unknown()).optional(),
    ...softmaxHeadShape,
    vocabulary: z.array(z.string().min(1)).min(1),
    idf: z.array(z.number().positive()),
    /** Absent: the urgency comes from the rules (or the category's default). */
    urgency: urgencyHeadSchema.optional(),
  })
  .strict();

export type TextModelFile = z.infer<typeof textModelSchema>;
type SoftmaxHead = z.infer<z.ZodObject<typeof softmaxHeadShape>>;

/** What a file's parts must agree on beyond their shapes; each problem names the part. */
function consistencyProblems(file: TextModelFile): string[] {
  const problems: string[] = [];
  if (file.idf.length !== file.vocabulary.length) {
    problems.push(`idf has ${file.idf.length} values for ${file.vocabulary.length} vocabulary entries`);
  }
  const seen = new Set<string>();
  for (const gram of file.vocabulary) {
    if (seen.has(gram)) problems.push(`vocabulary: "${gram}" appears twice`);
    seen.add(gram);
  }
  const heads: [string, SoftmaxHead][] = [['', file]];
  if (file.urgency) heads.push(['urgency.', file.urgency]);
  for (const [prefix, head] of heads) {
    if (new Set(head.labels).size !== head.labels.length) problems.push(`${prefix}labels: a label appears twice`);
    if (head.bias.length !== head.labels.length) {
      problems.push(`${prefix}bias has ${head.bias.length} values for ${head.labels.length} labels`);
    }
    for (const label of head.labels) {
      if (!(label in head.weights)) problems.push(`${prefix}weights: no weights for label ${label}`);
    }
    for (const [label, weights] of Object.entries(head.weights)) {
      if (!head.labels.includes(label)) problems.push(`${prefix}weights.${label}: not one of the labels`);
      if (weights.length !== file.vocabulary.length) {
        problems.push(`${prefix}weights.${label} has ${weights.length} values for ${file.vocabulary.length} vocabulary entries`);
      }
    }
  }
  if (file.urgency && !file.urgency.labels.includes('critical')) problems.push('urgency.labels: must include critical');
  return problems;
}

/** Validates a model already parsed from JSON; `origin` names it in errors. */
export function parseTextModel(raw: unknown, origin?: string): TextModelFile {
  const name = origin === undefined ? 'text model' : `text model ${origin}`;
  const parsed = textModelSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${name} is invalid:\n${z.prettifyError(parsed.error)}`);
  const problems = consistencyProblems(parsed.data);
  if (problems.length > 0) throw new Error(`${name} is invalid:\n${problems.map((p) => `  ✖ ${p}`).join('\n')}`);
  return parsed.data;
}

export function loadTextModel(file = fromProjectRoot('seeds', 'classifier-model.json')): TextModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`text model ${file}: cannot read JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return new TextModel(parseTextModel(raw, file));
}

export interface RankedLabel<L extends string = string> {
  label: L;
  probability: number;
}

export interface Prediction<L extends string = string> {
  label: L;
  probability: number;
  /** Every label, likeliest first. */
  ranked: RankedLabel<L>[];
}

/** A softmax layer held feature-major (the weights of one feature for every label side by side), for sparse input. */
class DenseHead<L extends string> {
  private readonly weights: Float64Array;
  private readonly bias: Float64Array;

  constructor(
    readonly labels: readonly L[],
    head: SoftmaxHead,
    features: number,
  ) {
    const k = labels.length;
    this.weights = new Float64Array(features * k);
    labels.forEach((label, position) => {
      head.weights[label].forEach((weight, feature) => (this.weights[feature * k + position] = weight));
    });
    this.bias = Float64Array.from(head.bias);
  }

  probabilities(vector: SparseVector): Float64Array {
    const k = this.labels.length;
    const scores = Float64Array.from(this.bias);
    for (let n = 0; n < vector.indices.length; n += 1) {
      const offset = vector.indices[n] * k;
      const value = vector.values[n];
      for (let c = 0; c < k; c += 1) scores[c] += value * this.weights[offset + c];
    }
    let max = -Infinity;
    for (let c = 0; c < k; c += 1) max = Math.max(max, scores[c]);
    let sum = 0;
    for (let c = 0; c < k; c += 1) {
      scores[c] = Math.exp(scores[c] - max);
      sum += scores[c];
    }
    for (let c = 0; c < k; c += 1) scores[c] /= sum;
    return scores;
  }

  rank(probabilities: Float64Array): RankedLabel<L>[] {
    // Ties keep label order, so the answer never depends on sort stability.
    return this.labels
      .map((label, position) => ({ label, probability: probabilities[position], position }))
      .sort((a, b) => b.probability - a.probability || a.position - b.position)
      .map(({ label, probability }) => ({ label, probability }));
  }
}

export class TextModel {
  readonly labels: readonly string[];
  private readonly features: FeatureOptions;
  private readonly index: Map<string, number>;
  private readonly idf: Float64Array;
  private readonly category: DenseHead<string>;
  private readonly urgencyHead?: DenseHead<Urgency>;
  private readonly criticalThreshold: number;

  constructor(file: TextModelFile) {
    this.labels = file.labels;
    this.features = file.features;
    this.index = vocabularyIndex(file.vocabulary);
    this.idf = Float64Array.from(file.idf);
    this.category = new DenseHead(file.labels, file, file.vocabulary.length);
    if (file.urgency) this.urgencyHead = new DenseHead(file.urgency.labels, file.urgency, file.vocabulary.length);
    this.criticalThreshold = file.urgency?.criticalThreshold ?? 1;
  }

  /** Whether the file carries its own urgency model (else urgency comes from the rules). */
  get hasUrgency(): boolean {
    return this.urgencyHead !== undefined;
  }

  /** The message's TF-IDF vector over this model's vocabulary. */
  vectorise(text: string): SparseVector {
    return tfidfVector(textNgrams(text, this.features), this.index, this.idf);
  }

  /** The likeliest category (or consult / chat), its probability, and every label ranked. */
  predict(text: string): Prediction {
    return this.predictVector(this.vectorise(text));
  }

  predictVector(vector: SparseVector): Prediction {
    const ranked = this.category.rank(this.category.probabilities(vector));
    return { label: ranked[0].label, probability: ranked[0].probability, ranked };
  }

  /** The urgency model's answer, or undefined when the file has none. */
  predictUrgency(text: string): Prediction<Urgency> | undefined {
    return this.predictUrgencyVector(this.vectorise(text));
  }

  predictUrgencyVector(vector: SparseVector): Prediction<Urgency> | undefined {
    if (!this.urgencyHead) return undefined;
    const ranked = this.urgencyHead.rank(this.urgencyHead.probabilities(vector));
    const critical = ranked.find((r) => r.label === 'critical');
    const chosen = critical && critical.probability >= this.criticalThreshold ? critical : ranked[0];
    return { label: chosen.label, probability: chosen.probability, ranked };
  }
}

export interface ModelClassifierOptions {
  /** For the category's default urgency when nothing else decides it. */
  taxonomy: Taxonomy;
  /** Used for urgency when the model file has no urgency model (a RuleClassifier). */
  rules?: Pick<RuleClassifier, 'classifyText'>;
}

/** The trained model as a Classifier: its category, its own urgency (or the rules'), its top probability as confidence. */
export class ModelClassifier implements Classifier {
  readonly name = MODEL_SOURCE;

  constructor(
    readonly model: TextModel,
    private readonly options: ModelClassifierOptions,
  ) {
    const unknown = model.labels.filter((label) => !isNonIncident(label) && !options.taxonomy.isIncidentCategory(label));
    if (unknown.length > 0) throw new Error(`text model: label(s) ${unknown.join(', ')} are not taxonomy category codes`);
  }

  async classify(text: string): Promise<Classification> {
    return this.classifyText(text);
  }

  classifyText(text: string): Classification {
    const vector = this.model.vectorise(text);
    const prediction = this.model.predictVector(vector);
    const category = prediction.label;
    const confidence = Math.round(prediction.probability * 1000) / 1000;
    if (isNonIncident(category)) return { category, urgency: null, confidence, source: MODEL_SOURCE };
    return { category, urgency: this.decideUrgency(category, text, vector), confidence, source: MODEL_SOURCE };
  }

  private decideUrgency(category: string, text: string, vector: SparseVector): Urgency {
    const own = this.model.predictUrgencyVector(vector);
    if (own) return own.label;
    // The rules' urgency belongs to the rules' category; it only carries over when they saw an incident too.
    const fromRules = this.options.rules?.classifyText(text).urgency;
    if (fromRules) return fromRules;
    return this.options.taxonomy.category(category).urgency;
  }
}
