/**
 * Which knowledge-base passage answers a question, and whether it really does.
 *
 * Full-text search always returns something; what matters to a customer is whether the best
 * passage states what they asked. Each candidate is described by how much of the question it
 * covers, weighting every word by how rare it is in the knowledge base (idf), so "warranty" counts
 * for more than "your". Words the knowledge base never uses ("sustainability", "wholesale") weigh
 * as much as its rarest word: a question about something the articles never mention is not
 * answered by an article that happens to share its common words.
 *
 * A logistic model over those coverage features gives the probability that the passage answers
 * the question. Its weights are fitted on data (training/fit-answerability.ts), not set by hand.
 */
import { foldText } from '../../../src/core/text.ts';
import { normalizeText } from './classifier/normalize.ts';
import model from './answerability-model.json' with { type: 'json' };

/** Words that say nothing about the topic of a question. */
const STOPWORDS = new Set(
  ('a about above after again all also am an and any are as at be because been before being below between both but by can cannot ' +
    'could did do does doing done dont down during each few for from further get gets getting got had has have having he her here ' +
    'hers him his how i id if im in into is isnt it its ive just let lets me might more most much must my myself need needs no nor ' +
    'not now of off on once only or other our ours out over own please pls same she should so some such than that thats the their ' +
    'them then there these they this those through to too under until up us very was we were what whats when where which while who ' +
    'whom why will with would you your youre yours hi hello hey thanks thank thx know tell want wanted wondering question ask asking ' +
    'help there any anything something someone anyone okay ok also still yet really like would love able').split(' '),
);

/** Crude stemming: enough for "returns"/"returned"/"returning" to meet, no dictionary needed. */
export const stem = (word: string) => (word.length > 4 ? word.replace(/(?:ing|ed|es|s)$/, '') : word.replace(/s$/, '')).slice(0, 8);

/** The question's content words, stemmed, each once. */
export function contentWords(text: string): string[] {
  // The classifier's normalisation first: SMS shorthand ("hrs", "pkg") meets the articles' words.
  const words = normalizeText(text)
    // "how long", "how much": the kind of answer wanted, not its topic ("long sleeves" stays).
    .replace(/\bhow (long|much|many|soon|often|far)\b/g, ' ')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set(words.map(stem))];
}

export interface PassageText {
  /** The article's title (and its tags, when known): what the whole article is about. */
  title: string;
  heading: string | null;
  text: string;
}

/** What the model sees of one (question, passage) pair. */
export interface CoverageFeatures {
  /** Share of the question (idf-weighted) found in the passage's own text or heading. */
  local: number;
  /** Share found only in its article's title (the passage is about it, without saying it). */
  title: number;
  /** Share the knowledge base never mentions at all. */
  unknown: number;
}

export interface AnswerabilityModel {
  weights: { covered: number; title: number; unknown: number };
  bias: number;
  /** Probability from which a passage counts as answering. */
  threshold: number;
}

/** Word statistics of a knowledge base (documents: passages or articles). */
export interface Vocabulary {
  idf(word: string): number | undefined;
  maxIdf: number;
}

export function buildVocabulary(documents: string[]): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of documents) for (const w of new Set(contentWords(doc))) df.set(w, (df.get(w) ?? 0) + 1);
  const n = documents.length;
  const idf = new Map([...df].map(([w, k]) => [w, Math.log((n + 1) / (k + 0.5))]));
  const maxIdf = Math.max(1, ...idf.values());
  return { idf: (w) => idf.get(w), maxIdf };
}

/** A passage's words per field, counted; cached per passage object (a search returns the same few often). */
interface PassageWords {
  local: Map<string, number>;
  heading: Set<string>;
  title: Set<string>;
  length: number;
}
const wordCache = new WeakMap<PassageText, PassageWords>();

function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of foldText(text).replace(/['’]/g, '').split(/[^\p{L}\p{N}]+/u)) {
    if (w.length <= 1 || STOPWORDS.has(w)) continue;
    const s = stem(w);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

function wordsOf(passage: PassageText): PassageWords {
  let words = wordCache.get(passage);
  if (!words) {
    const local = countWords(`${passage.heading ?? ''} ${passage.text}`);
    let length = 0;
    for (const n of local.values()) length += n;
    words = { local, heading: new Set(countWords(passage.heading ?? '').keys()), title: new Set(countWords(passage.title).keys()), length };
    wordCache.set(passage, words);
  }
  return words;
}

export function coverage(question: string[], passage: PassageText, vocabulary: Vocabulary): CoverageFeatures {
  if (question.length === 0) return { local: 0, title: 0, unknown: 0 };
  const words = wordsOf(passage);
  let total = 0;
  let inLocal = 0;
  let inTitleOnly = 0;
  let unknown = 0;
  for (const w of question) {
    const idf = vocabulary.idf(w);
    const weight = idf ?? vocabulary.maxIdf;
    total += weight;
    if (idf === undefined) unknown += weight;
    if (words.local.has(w)) inLocal += weight;
    else if (words.title.has(w)) inTitleOnly += weight;
  }
  return { local: inLocal / total, title: inTitleOnly / total, unknown: unknown / total };
}

/** BM25 parameters, the usual ones; headings and titles count as extra occurrences. */
const K1 = 1.2;
const B = 0.3;
const AVERAGE_PASSAGE_WORDS = 45;

/** How well a passage matches (BM25 over its text, with its heading and title as strong fields). */
export function matchScore(question: string[], passage: PassageText, vocabulary: Vocabulary): number {
  const words = wordsOf(passage);
  let score = 0;
  for (const w of question) {
    const idf = vocabulary.idf(w);
    if (idf === undefined) continue;
    const tf = (words.local.get(w) ?? 0) + (words.heading.has(w) ? 2 : 0) + (words.title.has(w) ? 1.5 : 0);
    if (tf === 0) continue;
    score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * words.length) / AVERAGE_PASSAGE_WORDS));
  }
  return score;
}

export const answerabilityModel: AnswerabilityModel = model as AnswerabilityModel;

/** Probability that a passage with these features answers the question. */
export function answerProbability(f: CoverageFeatures, m: AnswerabilityModel = answerabilityModel): number {
  const z = m.bias + m.weights.covered * (f.local + f.title) + m.weights.title * f.title + m.weights.unknown * f.unknown;
  return 1 / (1 + Math.exp(-z));
}

/**
 * The candidate that matches the question best (BM25 over the passage and its headings, computed
 * here so that both stores' candidates are ranked alike), with its answerability features.
 */
export function bestPassage<T extends { passage: PassageText }>(
  questionText: string,
  candidates: T[],
  vocabulary: Vocabulary,
): { hit: T; features: CoverageFeatures; probability: number } | null {
  const question = contentWords(questionText);
  if (question.length === 0 || candidates.length === 0) return null;
  let best: { hit: T; score: number } | null = null;
  for (const hit of candidates) {
    const score = matchScore(question, hit.passage, vocabulary);
    if (!best || score > best.score) best = { hit, score };
  }
  const features = coverage(question, best!.hit.passage, vocabulary);
  return { hit: best!.hit, features, probability: answerProbability(features) };
}
