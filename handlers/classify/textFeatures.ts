// Turns a resident's message into the sparse TF-IDF vector the trained text model reads: the rule
// classifier's normalisation, character n-grams over a fixed vocabulary (no hashing, so the model file
// says which n-gram carries which weight), sublinear tf, smoothed idf, unit length.
import { normaliseText } from './ruleClassifier';

/** How text becomes features; stored in the model file so training and prediction cannot drift apart. */
export interface FeatureOptions {
  /** Shortest and longest character n-gram, begin/end markers included. */
  ngramMin: number;
  ngramMax: number;
  /** Every digit becomes `0`: "3栋" and "7栋" are the same evidence. */
  mapDigits: boolean;
}

/** Marks where the message starts and ends, so 请问… at the start is a feature of its own. */
export const BEGIN_MARK = '\u0002';
export const END_MARK = '\u0003';

/** A sparse vector: feature indices in increasing order, with their values. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

const MARKS = /[\u0002\u0003]/gu;

/** The rule classifier's normalisation (full-width → half-width, lower case, @mentions out, whitespace collapsed), then digits. */
export function normaliseForFeatures(text: string, options: Pick<FeatureOptions, 'mapDigits'>): string {
  const normalised = normaliseText(text.replace(MARKS, ' '));
  return options.mapDigits ? normalised.replace(/[0-9]/g, '0') : normalised;
}

/** Counts of the message's character n-grams (by code point, so an emoji is one character). */
export function characterNgrams(normalised: string, options: Pick<FeatureOptions, 'ngramMin' | 'ngramMax'>): Map<string, number> {
  const chars = [BEGIN_MARK, ...Array.from(normalised), END_MARK];
  const counts = new Map<string, number>();
  for (let n = options.ngramMin; n <= options.ngramMax; n += 1) {
    for (let start = 0; start + n <= chars.length; start += 1) {
      // A gram of markers alone (the empty message's ^$, or ^ on its own) says nothing about the text.
      if (n === 1 && (start === 0 || start === chars.length - 1)) continue;
      if (n === 2 && chars.length === 2) continue;
      const gram = chars.slice(start, start + n).join('');
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

/** The n-grams of a text after normalisation, with their counts. */
export function textNgrams(text: string, options: FeatureOptions): Map<string, number> {
  return characterNgrams(normaliseForFeatures(text, options), options);
}

/** Smoothed idf (as scikit-learn's): ln((1 + documents) / (1 + document frequency)) + 1. */
export function inverseDocumentFrequency(documents: number, documentFrequency: number): number {
  return Math.log((1 + documents) / (1 + documentFrequency)) + 1;
}

/**
 * The vocabulary (n-grams in at least `minDf` of the documents, sorted by code unit so the order is
 * reproducible) and each n-gram's idf, from the n-gram counts of the training documents.
 */
export function buildVocabulary(documents: readonly Map<string, number>[], minDf: number): { vocabulary: string[]; idf: number[] } {
  const documentFrequency = new Map<string, number>();
  for (const grams of documents) {
    for (const gram of grams.keys()) documentFrequency.set(gram, (documentFrequency.get(gram) ?? 0) + 1);
  }
  const vocabulary = [...documentFrequency.entries()]
    .filter(([, df]) => df >= minDf)
    .map(([gram]) => gram)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const idf = vocabulary.map((gram) => inverseDocumentFrequency(documents.length, documentFrequency.get(gram) ?? 0));
  return { vocabulary, idf };
}

/** (1 + ln count) × idf for each known n-gram, scaled to unit length; unknown n-grams are dropped. */
export function tfidfVector(grams: ReadonlyMap<string, number>, index: ReadonlyMap<string, number>, idf: ArrayLike<number>): SparseVector {
  const entries: [number, number][] = [];
  for (const [gram, count] of grams) {
    const feature = index.get(gram);
    if (feature !== undefined) entries.push([feature, (1 + Math.log(count)) * idf[feature]]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  let squares = 0;
  for (const [, value] of entries) squares += value * value;
  const norm = Math.sqrt(squares);
  return {
    indices: entries.map(([feature]) => feature),
    values: entries.map(([, value]) => (norm > 0 ? value / norm : 0)),
  };
}

/** Vocabulary position of each n-gram, for looking features up. */
export function vocabularyIndex(vocabulary: readonly string[]): Map<string, number> {
  return new Map(vocabulary.map((gram, position) => [gram, position]));
}
