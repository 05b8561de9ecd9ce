/**
 * Feature extraction: two views of a message, hashed into one fixed-size space.
 *
 * - word view: unigrams and bigrams (with sentence-boundary markers) catch phrases such as
 *   "cancel order" or "top up", and each word's stem (stem.ts) lets other forms of a word meet
 *   ("order cancellations" shares "cancel" with "cancel an order");
 * - character view: 3–5-grams inside word boundaries (" word " padded) survive typos,
 *   inflections and unseen compounds ("refnd", "cancelling").
 *
 * Each view is weighted with sublinear tf (1 + ln tf) times idf and L2-normalised on its own, then
 * the two are concatenated with equal weight, so long messages do not let one view dominate.
 * Hashing (FNV-1a, 2^18 buckets) keeps memory bounded without a string vocabulary; the model later
 * maps the buckets that actually occur in training onto dense columns.
 */
import { tokenize } from './normalize.ts';
import { stem } from './stem.ts';

/** Size of the hashed feature space. */
export const HASH_BITS = 18;
export const HASH_SIZE = 1 << HASH_BITS;
const HASH_MASK = HASH_SIZE - 1;

/** A sparse vector: parallel arrays of bucket index (or column) and value. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
}

/** Raw term counts of one message, split by view. Keys are hash buckets. */
export interface TermCounts {
  words: Map<number, number>;
  chars: Map<number, number>;
}

/** 32-bit FNV-1a of a string, with a namespace seed so word "ab" and char-gram "ab" differ. */
export function hashString(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & HASH_MASK;
}

const WORD_SEED = 0x1f;
const BIGRAM_SEED = 0x2b;
const CHAR_SEED = 0x3d;
const STEM_SEED = 0x47;
const MIN_N = 3;
const MAX_N = 5;

function bump(map: Map<number, number>, key: number): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Counts the hashed word and character n-grams of a message (after normalisation). */
export function countTerms(text: string): TermCounts {
  const tokens = tokenize(text);
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  let prev = '^';
  for (const token of tokens) {
    bump(words, hashString(token, WORD_SEED));
    bump(words, hashString(`${prev} ${token}`, BIGRAM_SEED));
    bump(words, hashString(stem(token), STEM_SEED));
    prev = token;
    const padded = ` ${token} `;
    for (let n = MIN_N; n <= MAX_N; n++) {
      for (let i = 0; i + n <= padded.length; i++) bump(chars, hashString(padded.slice(i, i + n), CHAR_SEED));
    }
  }
  if (tokens.length > 0) bump(words, hashString(`${prev} $`, BIGRAM_SEED));
  return { words, chars };
}

/**
 * Turns counts into a weighted sparse vector over dense columns.
 * `column[bucket]` is the column of a bucket or -1 when it was never seen in training (dropped,
 * as it has no weight anyway); `idf[column]` its inverse document frequency.
 */
export function weigh(counts: TermCounts, column: Int32Array, idf: Float32Array): SparseVector {
  const cols: number[] = [];
  const vals: number[] = [];
  for (const view of [counts.words, counts.chars]) {
    const start = cols.length;
    let norm = 0;
    for (const [bucket, tf] of view) {
      const col = column[bucket]!;
      if (col < 0) continue;
      const v = (1 + Math.log(tf)) * idf[col]!;
      cols.push(col);
      vals.push(v);
      norm += v * v;
    }
    // Each view gets unit length / sqrt(2): the whole vector has unit length when both are present.
    const scale = norm > 0 ? Math.SQRT1_2 / Math.sqrt(norm) : 0;
    for (let i = start; i < vals.length; i++) vals[i]! *= scale;
  }
  return { index: Int32Array.from(cols), value: Float32Array.from(vals) };
}

/** Vocabulary fitted on training counts: bucket → column, column → idf, column → bucket. */
export interface Vocabulary {
  column: Int32Array;
  idf: Float32Array;
  buckets: Int32Array;
}

/**
 * Fits the vocabulary: every bucket seen in at least `minDf` training messages gets a column,
 * with smoothed idf = ln((1 + N) / (1 + df)) + 1.
 */
export function fitVocabulary(all: TermCounts[], minDf = 1): Vocabulary {
  const df = new Int32Array(HASH_SIZE);
  for (const c of all) {
    for (const b of c.words.keys()) df[b]!++;
    for (const b of c.chars.keys()) df[b]!++;
  }
  const column = new Int32Array(HASH_SIZE).fill(-1);
  const buckets: number[] = [];
  const idf: number[] = [];
  const n = all.length;
  for (let b = 0; b < HASH_SIZE; b++) {
    if (df[b]! < minDf) continue;
    column[b] = buckets.length;
    buckets.push(b);
    idf.push(Math.log((1 + n) / (1 + df[b]!)) + 1);
  }
  return { column, idf: Float32Array.from(idf), buckets: Int32Array.from(buckets) };
}

/** Rebuilds the bucket → column table from the stored bucket list (used when loading). */
export function columnTable(buckets: Int32Array): Int32Array {
  const column = new Int32Array(HASH_SIZE).fill(-1);
  for (let i = 0; i < buckets.length; i++) column[buckets[i]!] = i;
  return column;
}
