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
import { SYNONYM_GROUPS } from './synonyms.ts';
import model from './answerability-model.json' with { type: 'json' };
import generalWords from './general-words.json' with { type: 'json' };

/** Words that say nothing about the topic of a question. */
const STOPWORDS = new Set(
  ('a about above after again all also am an and any are as at be because been before being below between both but by can cannot ' +
    'could did do does doing done dont down during each few for from further get gets getting got had has have having he her here ' +
    'hers him his how i id if im in into is isnt it its ive just let lets me might more most much must my myself need needs no nor ' +
    'not now of off on once only or other our ours out over own please pls same she should so some such than that thats the their ' +
    'them then there these they this those through to too under until up us very was we were what whats when where which while who ' +
    'whom why will with would you your youre yours hi hello hey thanks thank thx know tell want wanted wondering question ask asking ' +
    'help there any anything something someone anyone okay ok also still yet really like would love able stuff thing things everything whatever somebody anybody sorry oops meant mean actually').split(' '),
);

/** Crude stemming: enough for "returns"/"returned"/"returning" to meet, no dictionary needed. */
export const stem = (word: string) => {
  const stripped = word.length > 4 ? word.replace(/(?:ing|ed|es|s)$/, '') : word.replace(/s$/, '');
  // "bring" is no "br", "string" no "str": an ending is only cut where a syllable stays.
  return (/^[^aeiouy]*[aeiouy].{1,}$/.test(stripped) || word.length <= 4 ? stripped : word).slice(0, 8);
};

/**
 * From the synonym groups (synonyms.ts), per stem: the stems that mean the same (a question's word
 * is found when any is) and the groups' plain words (for a full-text search that stems on its own).
 */
const EQUIVALENTS = new Map<string, string[]>();
const PLAIN = new Map<string, string[]>();
for (const group of SYNONYM_GROUPS) {
  const stems = group.map((w) => stem(foldText(w).replace(/[\s-]+/g, '')));
  for (const s of stems) {
    EQUIVALENTS.set(s, [...new Set([...(EQUIVALENTS.get(s) ?? [s]), ...stems])]);
    PLAIN.set(s, [...new Set([...(PLAIN.get(s) ?? []), ...group])]);
  }
}
const formsOf = (word: string): string[] => EQUIVALENTS.get(word) ?? [word];

/**
 * The question with the equivalents of the words the knowledge base does not use added ("sun" →
 * "sunday"), so a search can find what the customer calls otherwise; null when there are none.
 */
export function expandQuery(text: string, vocabulary: Vocabulary): string | null {
  const extra = new Set<string>();
  // Shorthand spelt out ("2fa" → "two step verification", "acct" → "account"): the search reads the customer's own spelling.
  const typed = new Set(foldText(text).split(/[^\p{L}\p{N}]+/u));
  for (const w of normalizeText(text).split(' ')) if (w.length > 1 && !typed.has(w) && !STOPWORDS.has(w) && /^\p{L}+$/u.test(w) && !/^x\w+x$/.test(w)) extra.add(w);
  for (const w of contentWords(text)) {
    if (vocabulary.idf(w) !== undefined) continue;
    for (const plain of PLAIN.get(w) ?? []) extra.add(plain);
  }
  for (const w of phrasalCompounds(text, vocabulary)) extra.add(w);
  return extra.size > 0 ? `${text} ${[...extra].join(' ')}` : null;
}

/** Particles that make a verb a phrasal one, written as one word in help-centre prose ("pickup", "login", "checkout"). */
const PARTICLES = new Set(['up', 'in', 'out', 'back', 'off', 'on', 'down', 'over']);

/**
 * "pick up" as "pickup", "log in" as "login": a verb and its particle joined, when the knowledge
 * base writes them so (the customer writes two words; neither alone finds the article's one).
 */
export function phrasalCompounds(text: string, vocabulary: Vocabulary): string[] {
  const words = foldText(text).split(/[^\p{L}]+/u);
  const found: string[] = [];
  for (let i = 0; i + 1 < words.length; i++) {
    if (!PARTICLES.has(words[i + 1]!) || words[i]!.length < 3) continue;
    const joined = words[i]! + words[i + 1]!;
    if (vocabulary.idf(stem(joined)) !== undefined) found.push(joined);
  }
  return found;
}

/** How rare a question word is: its own idf, or its rarest known equivalent's; undefined when the knowledge base uses none. */
function idfOf(word: string, vocabulary: Vocabulary): number | undefined {
  const own = vocabulary.idf(word);
  if (own !== undefined) return own;
  let best: number | undefined;
  for (const form of formsOf(word)) {
    const idf = vocabulary.idf(form);
    if (idf !== undefined && (best === undefined || idf > best)) best = idf;
  }
  return best;
}

/**
 * "how long", "how much" and the "work" of "how do returns work?" left out: the kind of answer
 * wanted, not its topic ("long sleeves" and "my zip doesn't work" stay).
 */
export const withoutAnswerFraming = (text: string) =>
  text.replace(/\bhow (long|much|many|soon|often|far)\b/gi, ' ').replace(/\b(how (?:do|does|would|will|can) [^?.!]{1,60}?)\bwork(s)?\b/gi, '$1 ');

/** The question's content words, stemmed, each once. */
export function contentWords(text: string): string[] {
  // The classifier's normalisation first: SMS shorthand ("hrs", "pkg") meets the articles' words.
  const words = withoutAnswerFraming(normalizeText(text))
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 1 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
  return [...new Set([...words, ...compoundsOf(text)].map(stem))];
}

/**
 * Hyphenated words also as one word ("next-day" → "nextday"): the compound is far rarer, so far
 * more telling, than its parts ("next", "day"), which stay as well.
 */
function compoundsOf(text: string): string[] {
  return (foldText(text).match(/\p{L}+(?:-\p{L}+)+/gu) ?? []).map((w) => w.replace(/-/g, ''));
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
  /**
   * 1 when the question asks whether something exists or is offered ("is there parking…", "do you
   * sell wetsuits…", "can I bring my dog…") and the passage names none of it: a passage about the
   * Denver store that never mentions parking does not answer whether there is parking.
   */
  focusMissing: number;
}

export interface AnswerabilityModel {
  weights: { covered: number; title: number; unknown: number; focusMissing: number };
  bias: number;
  /** Probability from which a passage counts as answering. */
  threshold: number;
}

/** Word statistics of a knowledge base (documents: passages or articles). */
export interface Vocabulary {
  idf(word: string): number | undefined;
  maxIdf: number;
  /**
   * Weight of a word the knowledge base never uses: as much as its rarest word when the word is
   * rare in what customers write anywhere ("wholesale", "sustainably": a topic the articles do not
   * cover), little when it is everyday language ("yesterday", "roughly"). See general-words.json.
   */
  unknownWeight(word: string): number;
}

/**
 * How often each word occurs in customer messages of many businesses (general-words.json, built by
 * training/build-general-words.ts): idf on that corpus between COMMON_IDF (a word in one message of
 * 50) and RARE_IDF (a word in fewer than 3 of them) scales an unknown word's weight from
 * EVERYDAY_SHARE to all of it.
 */
const GENERAL = generalWords as { messages: number; documentFrequency: Record<string, number> };
const COMMON_IDF = Math.log(50);
const RARE_IDF = Math.log(GENERAL.messages / 3);
const EVERYDAY_SHARE = 0.1;

/** 0–1: how much a word says about a topic, by its rarity in customer messages at large. */
export function topicality(word: string): number {
  const count = Object.hasOwn(GENERAL.documentFrequency, word) ? GENERAL.documentFrequency[word]! : 0;
  if (count === 0) return 1;
  const idf = Math.log(GENERAL.messages / count);
  return Math.min(1, Math.max(EVERYDAY_SHARE, (idf - COMMON_IDF) / (RARE_IDF - COMMON_IDF)));
}

/** Share of the rarest word's weight a word known nowhere gets. */
const NAME_WEIGHT = 0.3;

/** The content words of everyday texts (the deployment's training examples), for {@link buildVocabulary}. */
export function generalWordsOf(texts: string[]): ReadonlySet<string> {
  const general = new Set<string>();
  for (const text of texts) for (const w of contentWords(text)) general.add(w);
  return general;
}

/** Word statistics of `documents`, with `generalWords` the everyday language of the deployment. */
export function buildVocabulary(documents: string[], generalWords: ReadonlySet<string> = new Set()): Vocabulary {
  const df = new Map<string, number>();
  for (const doc of documents) for (const w of new Set(contentWords(doc))) df.set(w, (df.get(w) ?? 0) + 1);
  const n = documents.length;
  const idf = new Map([...df].map(([w, k]) => [w, Math.log((n + 1) / (k + 0.5))]));
  const maxIdf = Math.max(1, ...idf.values());
  const known = (w: string) => generalWords.size === 0 || generalWords.has(w);
  return { idf: (w) => idf.get(w), maxIdf, unknownWeight: (w) => (known(w) ? maxIdf * topicality(w) : maxIdf * NAME_WEIGHT) };
}

/** A passage's words per field, counted. */
interface PassageWords {
  local: Map<string, number>;
  heading: Set<string>;
  title: Set<string>;
  length: number;
}
/**
 * Counted words by field text: a search returns the same passages again and again, and sections and
 * sentences are rebuilt per search, so the cache is keyed by text (bounded, oldest out first).
 */
const wordCache = new Map<string, PassageWords>();
const WORD_CACHE_SIZE = 4_000;

function countWords(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  const folded = foldText(text).replace(/['’]/g, '');
  for (const w of [...folded.split(/[^\p{L}\p{N}]+/u), ...compoundsOf(folded)]) {
    if (w.length <= 1 || STOPWORDS.has(w)) continue;
    const s = stem(w);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return counts;
}

function wordsOf(passage: PassageText): PassageWords {
  const key = `${passage.title}\u0000${passage.heading ?? ''}\u0000${passage.text}`;
  let words = wordCache.get(key);
  if (!words) {
    const local = countWords(`${passage.heading ?? ''} ${passage.text}`);
    let length = 0;
    for (const n of local.values()) length += n;
    words = { local, heading: new Set(countWords(passage.heading ?? '').keys()), title: new Set(countWords(passage.title).keys()), length };
    if (wordCache.size >= WORD_CACHE_SIZE) wordCache.delete(wordCache.keys().next().value!);
    wordCache.set(key, words);
  }
  return words;
}

/** How much each question word counts: 1 for the customer's own, less for context (the topic a follow-up continues). */
type WordWeight = (word: string) => number;
const ownWords: WordWeight = () => 1;

/** "Is there …", "do you sell …", "can I bring …": a question whether something exists or is offered. */
const ASKS_FOR =
  /\b(?:is there|are there|(?:do|does|will) (?:you|northwind|your (?:store|shop)s?) (?:guys |all |also |still |even |ever )?(?:sell|have|offer|carry|stock|make|do|sponsor|buy|rent)|can (?:i|we) (?:bring|book|rent|buy))\s+([^?.!,;\n]{1,60})/i;
/** Where the thing asked about ends and what surrounds it begins ("parking | near the Denver store"). */
const PHRASE_END = /\s(?:to|for|in|at|on|near|with|from|by|into|if|when|or|and|that|because|so|like|than|as)\s.*$/i;

/**
 * What a question asks to exist or be offered: the words after "is there", "do you sell/have/offer…"
 * or "can I bring/book", up to the first preposition ("parking" in "is there parking near the
 * Denver store?"). Empty for other questions.
 */
export function focusOf(text: string): string[] {
  const asked = ASKS_FOR.exec(normalizeText(text));
  return asked ? contentWords(` ${asked[1]!} `.replace(PHRASE_END, ' ')) : [];
}

/** How much of the question (idf-weighted) the passage covers, and whether it names what the question asks to exist. */
export function coverage(question: string[], passage: PassageText, vocabulary: Vocabulary, weightOf: WordWeight = ownWords, focus: string[] = []): CoverageFeatures {
  if (question.length === 0) return { local: 0, title: 0, unknown: 0, focusMissing: 0 };
  const words = wordsOf(passage);
  let total = 0;
  let inLocal = 0;
  let inTitleOnly = 0;
  let unknown = 0;
  for (const w of question) {
    const idf = idfOf(w, vocabulary);
    const weight = (idf ?? vocabulary.unknownWeight(w)) * weightOf(w);
    total += weight;
    if (idf === undefined) unknown += weight;
    const forms = formsOf(w);
    if (forms.some((f) => words.local.has(f))) inLocal += weight;
    else if (forms.some((f) => words.title.has(f))) inTitleOnly += weight;
  }
  const named = (w: string) => formsOf(w).some((f) => words.local.has(f) || words.title.has(f));
  const focusMissing = focus.length > 0 && !focus.some(named) ? 1 : 0;
  return { local: inLocal / total, title: inTitleOnly / total, unknown: unknown / total, focusMissing };
}

/** BM25 parameters, the usual ones; headings and titles count as extra occurrences. */
const K1 = 1.2;
const B = 0.3;
const AVERAGE_PASSAGE_WORDS = 45;

/** How well a passage matches (BM25 over its text, with its heading and title as strong fields). */
export function matchScore(question: string[], passage: PassageText, vocabulary: Vocabulary, weightOf: WordWeight = ownWords): number {
  const words = wordsOf(passage);
  let score = 0;
  for (const w of question) {
    const idf = idfOf(w, vocabulary);
    if (idf === undefined) continue;
    let tf = 0;
    for (const f of formsOf(w)) tf = Math.max(tf, (words.local.get(f) ?? 0) + (words.heading.has(f) ? 2 : 0) + (words.title.has(f) ? 1.5 : 0));
    if (tf === 0) continue;
    score += (weightOf(w) * idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * words.length) / AVERAGE_PASSAGE_WORDS));
  }
  return score;
}

export const answerabilityModel: AnswerabilityModel = model as AnswerabilityModel;

/** Probability that a passage with these features answers the question. */
export function answerProbability(f: CoverageFeatures, m: AnswerabilityModel = answerabilityModel): number {
  const z = m.bias + m.weights.covered * (f.local + f.title) + m.weights.title * f.title + m.weights.unknown * f.unknown + m.weights.focusMissing * f.focusMissing;
  return 1 / (1 + Math.exp(-z));
}

/**
 * What kind of fact a question asks for, by its framing, and how a passage that states one looks:
 * "how long" wants a duration, "how much" an amount, "what time" a time of day. A passage holding
 * that kind of fact is more likely the answer than a sibling that only shares the topic word.
 */
const ANSWER_TYPES: { asks: RegExp; states: RegExp; bonus: number }[] = [
  { asks: /\bhow long\b|\bhow many (days|weeks|months|years)\b|\bhow soon\b|\bwhen will\b/i, states: /\b\d+(\s*[–-]\s*\d+)?[\s-]*(business |working )?(minute|hour|day|week|month|year)s?\b|\bwithin\b/i, bonus: 0.15 },
  { asks: /\bhow much\b|\bcost\b|\bprice\b|\bfee\b|\bcharge\b|\b(minimum|maximum|max|min)\b/i, states: /[$€£]\s?\d|\bfree\b|\d+\s?%|\bno (\w+ )?(fees?|charges?|costs?)\b|\bthere (?:are|is) none\b|\bat no (?:extra |additional )?(?:cost|charge)\b/i, bonus: 0.15 },
  { asks: /\bwhat time\b|\bopening hours\b|\bhours\b|\bwhen (do|are) you (open|close)/i, states: /\b\d{1,2}(:\d\d)?\s?(am|pm)\b/i, bonus: 0.15 },
  { asks: /\bhow old\b|\bminimum age\b/i, states: /\b\d{2}\b.*\b(old|older|age)\b/i, bonus: 0.15 },
  // A phone number or an email address is unmistakable: the section holding one is almost surely the answer.
  { asks: /\b(phone|telephone) number\b|\bnumber (to|i can) (call|text|ring)\b|\bcall you\b/i, states: /\+?\d[\d ().-]{8,}\d/, bonus: 0.5 },
  { asks: /\bemail address\b|\bwhat(?:'s| is) (your|the) email\b|\bemail you\b/i, states: /[\w.+-]+@[\w-]+\.[\w.]+/, bonus: 0.5 },
  { asks: /\bhow many\b/i, states: /\b\d+\b/, bonus: 0.15 },
];

/** The bonus of the kind of fact asked that `text` states (0 when it states none). */
const askedKindBonus = (framedQuestion: string, text: string) => Math.max(0, ...ANSWER_TYPES.filter((t) => t.asks.test(framedQuestion) && t.states.test(text)).map((t) => t.bonus));

/** Whether `text` states the kind of fact the (framed) question asks for. */
const statesAskedKind = (framedQuestion: string, text: string) => askedKindBonus(framedQuestion, text) > 0;

/** The question as answer types read it: shorthand spelt out ("store hrs?" asks for hours). */
const framing = (question: string) => normalizeText(question);

/**
 * Weight of the passage's best sentence, list item or table row against the passage as a whole:
 * "You must be 16 or older" answers "how old do I have to be" inside a section about signing up.
 */
const UNIT_WEIGHT = 1.0;

/** How well the passage's best sentence, list item or table row matches the question. */
export function bestSentenceScore(questionText: string, passage: PassageText, vocabulary: Vocabulary): number {
  return bestUnit(contentWords(questionText), framing(questionText), passage, vocabulary);
}

/** The best match of one sentence, list item or table row of the passage (`framedQuestion`: see framing). */
function bestUnit(question: string[], framedQuestion: string, passage: PassageText, vocabulary: Vocabulary, weightOf: WordWeight = ownWords): number {
  let best = 0;
  let tableHeader = '';
  for (const line of passage.text.split(/\n+|(?<=[.!?])\s+(?=[A-Z*])/)) {
    if (!line.trim()) continue;
    // A table row is read with its header row: "| PayPal | 3–5 business days |" is about refunds.
    const isRow = line.trimStart().startsWith('|');
    if (isRow && !tableHeader) tableHeader = line;
    if (!isRow) tableHeader = '';
    const text = isRow && line !== tableHeader ? `${tableHeader} ${line}` : line;
    const unit = { title: '', heading: null, text };
    const typed = 1 + askedKindBonus(framedQuestion, text) * 4;
    best = Math.max(best, matchScore(question, unit, vocabulary, weightOf) * typed);
  }
  return best;
}

/** Weight of a follow-up's context words (the topic it continues) against its own words. */
const CONTEXT_WEIGHT = 0.3;

/** The question's words with a follow-up's context words (`context`), and how much each counts. */
function questionWords(questionText: string, vocabulary: Vocabulary, context: string) {
  const own = new Set([...contentWords(questionText), ...phrasalCompounds(questionText, vocabulary).map(stem)]);
  const question = [...new Set([...own, ...contentWords(context)])];
  const weightOf: WordWeight = (w) => (own.has(w) ? 1 : CONTEXT_WEIGHT);
  return { question, weightOf };
}

/** Probability that `passage` answers the question, judged without ranking it against others. */
export function answerProbabilityFor(questionText: string, passage: PassageText, vocabulary: Vocabulary, context = ''): number {
  const { question, weightOf } = questionWords(questionText, vocabulary, context);
  return question.length === 0 ? 0 : answerProbability(coverage(question, passage, vocabulary, weightOf, focusOf(questionText)));
}

/** Weight of the search engine's own rank (its title re-rank catches paraphrases) against this module's BM25. */
const ENGINE_WEIGHT = 0.75;

/**
 * The candidate that matches the question best, with its answerability features and the other
 * candidates in rank order with their rank as a share of the best's: BM25 over the
 * passage and its headings computed here, so both stores' candidates are ranked alike, blended
 * with the search engine's score (`score`, when candidates carry one) which brings paraphrases of a
 * title. Both are scaled to the best candidate's before they are mixed; `bonus` is the caller's
 * preference (the article a follow-up continues).
 */
export function bestPassage<T extends { passage: PassageText; score?: number; bonus?: number }>(
  questionText: string,
  candidates: T[],
  vocabulary: Vocabulary,
  context = '',
): { hit: T; features: CoverageFeatures; probability: number; alternatives: { hit: T; share: number }[] } | null {
  const { question, weightOf } = questionWords(questionText, vocabulary, context);
  if (question.length === 0 || candidates.length === 0) return null;
  // "and the 2fa codes?" after "how long is the reset link good for?" asks the same kind of fact.
  const framed = framing(`${context} ${questionText}`);
  const matches = candidates.map((hit) => matchScore(question, hit.passage, vocabulary, weightOf));
  const units = candidates.map((hit) => bestUnit(question, framed, hit.passage, vocabulary, weightOf));
  const topMatch = Math.max(...matches) || 1;
  const topUnit = Math.max(...units) || 1;
  const topEngine = Math.max(...candidates.map((c) => c.score ?? 0)) || 1;
  const ranks = candidates.map((hit, i) => {
    // A sentence that matches lifts a passage that matches as a whole; on its own it does not choose one.
    const match = (matches[i]! / topMatch) * (1 + UNIT_WEIGHT * (units[i]! / topUnit));
    const typed = askedKindBonus(framed, hit.passage.text);
    return (1 - ENGINE_WEIGHT) * match + ENGINE_WEIGHT * ((hit.score ?? 0) / topEngine) + typed + (hit.bonus ?? 0);
  });
  const order = ranks.map((_, i) => i).sort((a, b) => ranks[b]! - ranks[a]!);
  const hit = candidates[order[0]!]!;
  const features = coverage(question, hit.passage, vocabulary, weightOf, focusOf(questionText));
  // A candidate that lacks the kind of fact asked for ("what time…") which the best one states is no alternative.
  const states = (i: number) => statesAskedKind(framed, candidates[i]!.passage.text);
  const top = ranks[order[0]!]!;
  const alternatives = top > 0 && states(order[0]!) ? order.slice(1).filter(states) : top > 0 ? order.slice(1) : [];
  return { hit, features, probability: answerProbability(features), alternatives: alternatives.map((i) => ({ hit: candidates[i]!, share: ranks[i]! / top })) };
}
