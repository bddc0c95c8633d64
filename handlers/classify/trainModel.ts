// Trains the text model (textModel.ts) from labelled messages and measures it by cross-validation.
// Written by hand: there is no well-kept JavaScript library for sparse multinomial logistic regression.
//
// Model: TF-IDF over character 1–2-grams (textFeatures.ts) → softmax over the 25 codes, L2 on the weights
// (not the biases), rows weighted by (class size)^-0.5. A second softmax on the incident rows gives
// critical / high / normal; critical whenever P(critical) ≥ 0.25, since a missed emergency costs more.
// Optimiser: L-BFGS, 6 pairs, backtracking Armijo, stopping when the relative decrease falls below 1e-8,
// and no randomness, so the same rows (in any order) give the same file byte for byte. 1,327 rows train
// in about 1.5 s on one core (both models), a message is predicted in about 30 µs.
//
// Chosen by cross-validation only (5-fold, stratified, seeds 15/1/2/3, and leave-one-file-out = LOFO),
// category accuracy, mean of the four seeds / LOFO, the others at their chosen values:
//   n-grams 1–2  0.939 / 0.953   1–3  0.937 / 0.948   2–2  0.919 / 0.939 (1–3: 13.5k n-grams, not 7.5k)
//   min df  1    0.942 / 0.953   2    0.939 / 0.953   3    0.936 / 0.950 (min df 1: 16.3k n-grams, a ~5 MB file)
//   digits → 0   0.938 / 0.952   (kept as they are: no help)
//   L2 (category) 1e-5 0.939 / 0.952   3e-5 0.939 / 0.953   1e-4 0.938 / 0.953   3e-4 0.936 / 0.948
//   class weight power 0 / 0.5 / 1: chat+consult taken as incidents 0.028 / 0.033 / 0.043, incidents taken
//   as chat+consult 0.013 / 0.011 / 0.007, accuracy the same: 0.5 keeps both low on every seed.
//   Urgency (L2, critical threshold) → critical recall over the four seeds, urgency accuracy:
//   (1e-4, 0.18) 0.958–0.972, 0.88; (3e-4, 0.18) 0.972–0.986, 0.865; (1e-3, 0.25) 0.972–0.986, 0.87 (chosen).
//
// Measured (model alone; urgency accuracy counts consult/chat rows, null = null):
//   5-fold, seed 15       category 0.934, critical recall 0.979, chat/consult → incident 0.034,
//                         incident → chat/consult 0.010, urgency 0.860 (seeds 1/2/3: category
//                         0.939/0.940/0.942, critical recall 0.986/0.979/0.972)
//   LOFO, each file scored by a model trained on the other five (the honest figure: different writers),
//   as category / critical recall / chat+consult → incident / incident → chat+consult / urgency:
//     blind  (200) 0.965 / 1.000 / 0.000 / 0.006 / 0.885     own   (147) 0.986 / 1.000 / 0.033 / 0.000 / 0.864
//     blind2 (220) 0.982 / 1.000 / 0.028 / 0.000 / 0.914     dev   (320) 0.913 / 0.909 / 0.036 / 0.015 / 0.800
//     blind3 (240) 0.958 / 0.967 / 0.023 / 0.005 / 0.921     pooled     0.953 / 0.979 / 0.025 / 0.008 / 0.876
//     blind4 (200) 0.945 / 1.000 / 0.026 / 0.019 / 0.900
// Urgency from the rules instead (the model's category, RuleClassifier's urgency): critical recall 1.000,
// urgency 0.952 (5-fold) / 0.954 (LOFO), but in-sample: the rules were tuned on every one of these files.
// On files they had not seen yet they scored 0.80–0.86 critical recall and 0.825–0.858 urgency accuracy
// (README), below the model's LOFO 0.967–1.000 and 0.885–0.921 on the same blind files, so the model's
// own urgency is kept; `--compare-rules` on the train CLI prints the comparison.
import {
  buildVocabulary,
  textNgrams,
  tfidfVector,
  vocabularyIndex,
  type FeatureOptions,
  type SparseVector,
} from './textFeatures';
import {
  TEXT_MODEL_FORMAT,
  TEXT_MODEL_VERSION,
  ModelClassifier,
  TextModel,
  type ModelClassifierOptions,
  type TextModelFile,
} from './textModel';
import { evaluateClassifier, isNonIncident, type Evaluation, type LabelledRow } from './evaluate';
import { URGENCIES, type Urgency } from '../../seeds/taxonomy';

export interface HeadOptions {
  /** L2 penalty on the weights (not the bias), per unit of the mean loss. */
  l2: number;
  /** Class weights ∝ (1 / class size)^power: 0 weighs every row alike, 1 weighs every class alike. */
  classWeightPower: number;
}

export interface TrainingOptions {
  features: FeatureOptions;
  /** An n-gram joins the vocabulary when it occurs in at least this many training messages. */
  minDf: number;
  category: HeadOptions;
  /** Train an urgency model on the incident rows, or leave urgency to the rules. */
  urgency: (HeadOptions & { criticalThreshold: number }) | 'rules';
  maxIterations: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = {
  features: { ngramMin: 1, ngramMax: 2, mapDigits: false },
  minDf: 2,
  category: { l2: 3e-5, classWeightPower: 0.5 },
  urgency: { l2: 1e-3, classWeightPower: 1, criticalThreshold: 0.25 },
  maxIterations: 300,
};

/** The training rows as sparse vectors with their encoded targets and weights. */
interface Design {
  rows: SparseVector[];
  targets: Int32Array;
  sampleWeights: Float64Array;
  features: number;
  classes: number;
}

/** Six significant digits: more than the predictions need, and a third of the file a full double would take. */
function round6(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(6));
}

function classWeights(targets: Int32Array, classes: number, power: number): Float64Array {
  const counts = new Float64Array(classes);
  for (const t of targets) counts[t] += 1;
  const raw = Array.from(counts, (n) => (n > 0 ? Math.pow(targets.length / (classes * n), power) : 0));
  const weights = new Float64Array(targets.length);
  targets.forEach((t, i) => (weights[i] = raw[t]));
  return weights;
}

/**
 * Mean weighted cross-entropy plus (l2 / 2)·|W|², and its gradient. Parameters are laid out feature-major
 * (all classes of feature 0, then feature 1, …) with the biases last.
 */
function lossAndGradient(design: Design, l2: number, theta: Float64Array, gradient: Float64Array): number {
  const { rows, targets, sampleWeights, features, classes: k } = design;
  gradient.fill(0);
  const biasOffset = features * k;
  const scores = new Float64Array(k);
  let totalWeight = 0;
  for (let i = 0; i < rows.length; i += 1) totalWeight += sampleWeights[i];
  let loss = 0;
  for (let i = 0; i < rows.length; i += 1) {
    const { indices, values } = rows[i];
    for (let c = 0; c < k; c += 1) scores[c] = theta[biasOffset + c];
    for (let n = 0; n < indices.length; n += 1) {
      const offset = indices[n] * k;
      const value = values[n];
      for (let c = 0; c < k; c += 1) scores[c] += value * theta[offset + c];
    }
    // Plain comparisons rather than Math.max, and one exp per class: under jest's vm context Math calls
    // are not inlined and cost several times more.
    let max = scores[0];
    for (let c = 1; c < k; c += 1) if (scores[c] > max) max = scores[c];
    const target = targets[i];
    const targetScore = scores[target];
    let sum = 0;
    for (let c = 0; c < k; c += 1) {
      scores[c] = Math.exp(scores[c] - max);
      sum += scores[c];
    }
    const weight = sampleWeights[i] / totalWeight;
    loss += weight * (max + Math.log(sum) - targetScore);
    // scores become the loss's derivative with respect to each class score: weight · (p - onehot)
    const toDerivative = weight / sum;
    for (let c = 0; c < k; c += 1) scores[c] *= toDerivative;
    scores[target] -= weight;
    for (let n = 0; n < indices.length; n += 1) {
      const offset = indices[n] * k;
      const value = values[n];
      for (let c = 0; c < k; c += 1) gradient[offset + c] += value * scores[c];
    }
    for (let c = 0; c < k; c += 1) gradient[biasOffset + c] += scores[c];
  }
  let squares = 0;
  for (let j = 0; j < biasOffset; j += 1) {
    squares += theta[j] * theta[j];
    gradient[j] += l2 * theta[j];
  }
  return loss + 0.5 * l2 * squares;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i] * b[i];
  return sum;
}

/** out = x + a·d */
function stepFrom(out: Float64Array, x: Float64Array, a: number, d: Float64Array): void {
  for (let i = 0; i < out.length; i += 1) out[i] = x[i] + a * d[i];
}

function largestMagnitude(x: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < x.length; i += 1) {
    const magnitude = x[i] < 0 ? -x[i] : x[i];
    if (magnitude > largest) largest = magnitude;
  }
  return largest;
}

/**
 * The quasi-Newton direction -H·gradient by the two-loop recursion over the stored pairs (oldest first).
 * Each loop's update is fused with the next pair's dot product: the vectors are large and passes over
 * memory, not arithmetic, are what this costs.
 */
function lbfgsDirection(direction: Float64Array, gradient: Float64Array, pairs: readonly CorrectionPair[]): void {
  const n = direction.length;
  const count = pairs.length;
  const alphas = new Float64Array(count);
  direction.set(gradient);
  if (count === 0) {
    for (let j = 0; j < n; j += 1) direction[j] = -direction[j];
    return;
  }
  // First loop, newest to oldest: alpha_m = rho_m s_m·q; q -= alpha_m y_m.
  let next = dotMixed(pairs[count - 1].s, direction);
  for (let m = count - 1; m >= 0; m -= 1) {
    alphas[m] = pairs[m].rho * next;
    const y = pairs[m].y;
    const a = alphas[m];
    if (m > 0) {
      const s = pairs[m - 1].s;
      let sum = 0;
      for (let j = 0; j < n; j += 1) {
        direction[j] -= a * y[j];
        sum += s[j] * direction[j];
      }
      next = sum;
    } else {
      for (let j = 0; j < n; j += 1) direction[j] -= a * y[j];
    }
  }
  // Initial Hessian scale from the newest pair, fused with the first dot product of the second loop.
  const scale = pairs[count - 1].scale;
  const firstY = pairs[0].y;
  let sum = 0;
  for (let j = 0; j < n; j += 1) {
    direction[j] *= scale;
    sum += firstY[j] * direction[j];
  }
  next = sum;
  // Second loop, oldest to newest: beta = rho_m y_m·r; r += (alpha_m - beta) s_m.
  for (let m = 0; m < count; m += 1) {
    const factor = alphas[m] - pairs[m].rho * next;
    const s = pairs[m].s;
    if (m + 1 < count) {
      const y = pairs[m + 1].y;
      let total = 0;
      for (let j = 0; j < n; j += 1) {
        direction[j] += factor * s[j];
        total += y[j] * direction[j];
      }
      next = total;
    } else {
      for (let j = 0; j < n; j += 1) direction[j] = -(direction[j] + factor * s[j]);
    }
  }
}

function dotMixed(a: Float32Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += a[i] * b[i];
  return sum;
}

/**
 * One L-BFGS correction pair: the step and the gradient's change, kept in single precision (half the
 * memory traffic; they only shape the search direction, the line search keeps the descent honest).
 */
interface CorrectionPair {
  s: Float32Array;
  y: Float32Array;
  rho: number;
  /** s·y / y·y, the initial Hessian scale when this is the newest pair. */
  scale: number;
}

/**
 * L-BFGS (6 correction pairs) with a backtracking Armijo line search, until the relative decrease falls
 * below 1e-8. The objective is strictly convex, so there is one minimum to approach; nothing is random,
 * so the same rows give the same weights bit for bit.
 */
function minimise(design: Design, l2: number, maxIterations: number): Float64Array {
  const size = design.features * design.classes + design.classes;
  const memory = 6;
  let theta = new Float64Array(size);
  let gradient = new Float64Array(size);
  let candidate = new Float64Array(size);
  let candidateGradient = new Float64Array(size);
  const direction = new Float64Array(size);
  let loss = lossAndGradient(design, l2, theta, gradient);
  const pairs: CorrectionPair[] = [];
  for (let iteration = 0; iteration < maxIterations; iteration += 1) {
    lbfgsDirection(direction, gradient, pairs);
    let slope = dot(gradient, direction);
    if (!(slope < 0)) {
      // Not a descent direction (rounding trouble): forget the curvature and go downhill.
      pairs.length = 0;
      lbfgsDirection(direction, gradient, pairs);
      slope = dot(gradient, direction);
    }
    let step = pairs.length === 0 ? 1 / Math.sqrt(dot(gradient, gradient)) : 1;
    let candidateLoss = Infinity;
    for (let tries = 0; tries < 40; tries += 1) {
      stepFrom(candidate, theta, step, direction);
      candidateLoss = lossAndGradient(design, l2, candidate, candidateGradient);
      if (candidateLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(candidateLoss < loss)) break;
    // Reuse the oldest pair's buffers once the memory is full.
    const recycled = pairs.length === memory ? pairs.shift() : undefined;
    const s = recycled?.s ?? new Float32Array(size);
    const y = recycled?.y ?? new Float32Array(size);
    let sy = 0;
    let yy = 0;
    for (let j = 0; j < size; j += 1) {
      s[j] = candidate[j] - theta[j];
      y[j] = candidateGradient[j] - gradient[j];
      sy += s[j] * y[j];
      yy += y[j] * y[j];
    }
    if (sy > 1e-12) pairs.push({ s, y, rho: 1 / sy, scale: sy / yy });
    const improvement = (loss - candidateLoss) / Math.max(1, Math.abs(loss));
    [theta, candidate] = [candidate, theta];
    [gradient, candidateGradient] = [candidateGradient, gradient];
    loss = candidateLoss;
    if (largestMagnitude(gradient) < 1e-5 || improvement < 1e-8) break;
  }
  return theta;
}

/** Dense per-label weights for the file (one per vocabulary entry), rounded to six significant digits. */
function headWeights(theta: Float64Array, labels: readonly string[], features: number) {
  const k = labels.length;
  const weights: Record<string, number[]> = {};
  labels.forEach((label, c) => {
    const row = new Array<number>(features);
    for (let j = 0; j < features; j += 1) row[j] = round6(theta[j * k + c]);
    weights[label] = row;
  });
  const bias = labels.map((_, c) => round6(theta[features * k + c]));
  return { weights, bias };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedLabels(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byCodeUnit);
}

function design(vectors: SparseVector[], labels: readonly string[], targets: readonly string[], features: number, power: number): Design {
  const position = new Map(labels.map((label, i) => [label, i]));
  const encoded = Int32Array.from(targets, (t) => position.get(t) ?? -1);
  return {
    rows: vectors,
    targets: encoded,
    sampleWeights: classWeights(encoded, labels.length, power),
    features,
    classes: labels.length,
  };
}

/**
 * Trains the category model, and the urgency model on the incident rows unless urgency is left to the
 * rules. Rows are put in a canonical order first, so the same rows in any order give the same file.
 */
export function trainTextModel(input: readonly LabelledRow[], options: TrainingOptions = DEFAULT_TRAINING_OPTIONS): TextModelFile {
  if (input.length === 0) throw new Error('train: no labelled rows');
  const rows = [...input].sort((a, b) => byCodeUnit(a.id, b.id) || byCodeUnit(a.text, b.text) || byCodeUnit(a.category, b.category));
  const grams = rows.map((row) => textNgrams(row.text, options.features));
  const built = buildVocabulary(grams, options.minDf);
  if (built.vocabulary.length === 0) throw new Error(`train: no n-gram occurs in ${options.minDf} or more messages`);
  const idf = built.idf.map(round6);
  const index = vocabularyIndex(built.vocabulary);
  const vectors = grams.map((g) => tfidfVector(g, index, idf));
  const features = built.vocabulary.length;

  const labels = sortedLabels(rows.map((r) => r.category));
  if (labels.length < 2) throw new Error(`train: needs at least two categories, got ${labels.join(', ')}`);
  const categoryDesign = design(vectors, labels, rows.map((r) => r.category), features, options.category.classWeightPower);
  const category = headWeights(minimise(categoryDesign, options.category.l2, options.maxIterations), labels, features);

  let urgency: TextModelFile['urgency'];
  if (options.urgency !== 'rules') {
    const incident = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.urgency !== null && !isNonIncident(row.category));
    const urgencyLabels = URGENCIES.filter((u) => incident.some(({ row }) => row.urgency === u));
    if (!urgencyLabels.includes('critical') || urgencyLabels.length < 2) {
      throw new Error(`train: an urgency model needs critical and at least one other urgency among the incidents, got ${urgencyLabels.join(', ') || 'none'}`);
    }
    const urgencyDesign = design(
      incident.map(({ i }) => vectors[i]),
      urgencyLabels,
      incident.map(({ row }) => row.urgency as Urgency),
      features,
      options.urgency.classWeightPower,
    );
    urgency = {
      labels: urgencyLabels,
      criticalThreshold: options.urgency.criticalThreshold,
      ...headWeights(minimise(urgencyDesign, options.urgency.l2, options.maxIterations), urgencyLabels, features),
    };
  }

  return {
    format: TEXT_MODEL_FORMAT,
    version: TEXT_MODEL_VERSION,
    features: {
      ngramMin: options.features.ngramMin,
      ngramMax: options.features.ngramMax,
      mapDigits: options.features.mapDigits,
    },
    training: {
      rows: rows.length,
      minDf: options.minDf,
      categoryL2: options.category.l2,
      categoryClassWeightPower: options.category.classWeightPower,
      urgency:
        options.urgency === 'rules'
          ? 'rules'
          : { l2: options.urgency.l2, classWeightPower: options.urgency.classWeightPower },
    },
    labels,
    bias: category.bias,
    weights: category.weights,
    vocabulary: built.vocabulary,
    idf,
    ...(urgency ? { urgency } : {}),
  };
}

/**
 * The file's text. Keys are written in a fixed order whatever the object's, and each part on a line of
 * its own (a label's weights on one line), so the same rows give a byte-identical file and a diff shows
 * which part moved.
 */
export function serialiseTextModel(file: TextModelFile): string {
  const json = (value: unknown): string => JSON.stringify(value);
  const head = (indent: string, labels: readonly string[], weights: Record<string, number[]>): string =>
    `{\n${labels.map((label) => `${indent}  ${json(label)}: ${json(weights[label])}`).join(',\n')}\n${indent}}`;
  const parts: [string, string][] = [
    ['format', json(file.format)],
    ['version', json(file.version)],
    ...(file.trainedAt === undefined ? [] : ([['trainedAt', json(file.trainedAt)]] as [string, string][])),
    ['features', json({ ngramMin: file.features.ngramMin, ngramMax: file.features.ngramMax, mapDigits: file.features.mapDigits })],
  ];
  if (file.training) parts.push(['training', json(file.training)]);
  parts.push(
    ['labels', json(file.labels)],
    ['bias', json(file.bias)],
    ['weights', head('  ', file.labels, file.weights)],
    ['vocabulary', json(file.vocabulary)],
    ['idf', json(file.idf)],
  );
  if (file.urgency) {
    const u = file.urgency;
    const inner: [string, string][] = [
      ['labels', json(u.labels)],
      ['criticalThreshold', json(u.criticalThreshold)],
      ['bias', json(u.bias)],
      ['weights', head('    ', u.labels, u.weights)],
    ];
    parts.push(['urgency', `{\n${inner.map(([k, v]) => `    ${json(k)}: ${v}`).join(',\n')}\n  }`]);
  }
  return `{\n${parts.map(([k, v]) => `  ${json(k)}: ${v}`).join(',\n')}\n}\n`;
}

// ---- cross-validation ----------------------------------------------------------------------------

/** mulberry32: a small seeded generator, used only to deal rows into folds. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fold (0..k-1) of each row: each label's rows shuffled by the seed and dealt round, so every fold has its share. */
export function stratifiedFolds(rows: readonly LabelledRow[], k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const folds = new Array<number>(rows.length).fill(0);
  let dealt = 0;
  for (const label of sortedLabels(rows.map((r) => r.category))) {
    const members = rows.map((row, i) => ({ row, i })).filter(({ row }) => row.category === label).map(({ i }) => i);
    for (let i = members.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (const i of members) folds[i] = dealt++ % k;
  }
  return folds;
}

/** The evaluation figures plus the one evaluate.ts leaves out: incidents answered as consult or chat. */
export interface ModelEvaluation extends Evaluation {
  incidentCount: number;
  /** Fraction of incident rows given consult or chat ("missed"). */
  missedIncidentRate: number;
}

/** The taxonomy, and the rules when urgency is to come from them instead of the model's own urgency model. */
export type UrgencySources = ModelClassifierOptions;

/** Evaluates a trained model file on rows it was not trained on. */
export async function evaluateTextModel(file: TextModelFile, rows: readonly LabelledRow[], sources: UrgencySources): Promise<ModelEvaluation> {
  const model = new TextModel(sources.rules ? { ...file, urgency: undefined } : file);
  const evaluation = await evaluateClassifier(new ModelClassifier(model, sources), rows);
  return withMissed(evaluation, rows);
}

function withMissed(evaluation: Evaluation, rows: readonly LabelledRow[]): ModelEvaluation {
  const incidentCount = rows.filter((r) => !isNonIncident(r.category)).length;
  const missed = evaluation.confusion.filter((m) => !isNonIncident(m.expected.category) && isNonIncident(m.got.category)).length;
  return { ...evaluation, incidentCount, missedIncidentRate: incidentCount === 0 ? 0 : missed / incidentCount };
}

/** Pools evaluations of disjoint row sets into one, as if scored together. */
export function poolEvaluations(parts: readonly ModelEvaluation[]): ModelEvaluation {
  const sum = (f: (e: ModelEvaluation) => number): number => parts.reduce((acc, e) => acc + f(e), 0);
  const total = sum((e) => e.total);
  const criticalCount = sum((e) => e.criticalCount);
  const nonIncidentCount = sum((e) => e.nonIncidentCount);
  const incidentCount = sum((e) => e.incidentCount);
  const ratio = (n: number, d: number, empty: number): number => (d === 0 ? empty : n / d);
  return {
    total,
    categoryAccuracy: ratio(sum((e) => Math.round(e.categoryAccuracy * e.total)), total, 0),
    criticalRecall: ratio(sum((e) => Math.round(e.criticalRecall * e.criticalCount)), criticalCount, 1),
    criticalCount,
    nonIncidentFalseIncidentRate: ratio(sum((e) => Math.round(e.nonIncidentFalseIncidentRate * e.nonIncidentCount)), nonIncidentCount, 0),
    nonIncidentCount,
    urgencyAccuracy: ratio(sum((e) => Math.round(e.urgencyAccuracy * e.total)), total, 0),
    incidentCount,
    missedIncidentRate: ratio(sum((e) => Math.round(e.missedIncidentRate * e.incidentCount)), incidentCount, 0),
    confusion: parts.flatMap((e) => e.confusion),
  };
}

/** k-fold cross-validation: each fold scored by a model trained on the other folds only. */
export async function crossValidate(
  rows: readonly LabelledRow[],
  options: TrainingOptions,
  sources: UrgencySources,
  { k = 5, seed = 15 }: { k?: number; seed?: number } = {},
): Promise<ModelEvaluation> {
  const folds = stratifiedFolds(rows, k, seed);
  const parts: ModelEvaluation[] = [];
  for (let fold = 0; fold < k; fold += 1) {
    const train = rows.filter((_, i) => folds[i] !== fold);
    const test = rows.filter((_, i) => folds[i] === fold);
    parts.push(await evaluateTextModel(trainTextModel(train, options), test, sources));
  }
  return poolEvaluations(parts);
}

export interface LabelledSet {
  name: string;
  rows: LabelledRow[];
}

/** Leave-one-file-out: each file scored by a model trained on all the other files (they were written by different people). */
export async function leaveOneFileOut(
  sets: readonly LabelledSet[],
  options: TrainingOptions,
  sources: UrgencySources,
): Promise<{ name: string; evaluation: ModelEvaluation }[]> {
  const results: { name: string; evaluation: ModelEvaluation }[] = [];
  for (const set of sets) {
    const train = sets.filter((s) => s !== set).flatMap((s) => s.rows);
    results.push({ name: set.name, evaluation: await evaluateTextModel(trainTextModel(train, options), set.rows, sources) });
  }
  return results;
}
