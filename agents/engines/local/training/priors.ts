/**
 * Prior training rows for a deployment with few examples of its own: what the deployment already
 * says about its routes, turned into weak labelled rows beside its written examples.
 *
 * - Route descriptions (agents.yaml): each agent's description, and each of its comma- or
 *   semicolon-separated parts ("no signal or weak coverage"), as rows of the route.
 * - The knowledge base: every article's title, headings, tags and sentences, as rows of the route whose
 *   examples and description the article resembles most (articles describe what the question
 *   routes cover, but name no route).
 * - General customer-service rows labelled with another label set (the bundled demo's Bitext
 *   intents): a general intent is borrowed, relabelled, for the deployment's label it clearly
 *   resembles. Sharing is decided by meaning, not by name: the centroid of the intent's rows must
 *   be far closer to one label's centroid (its examples and description) than to any other, so a
 *   route unlike every general intent ("network outages") borrows nothing.
 *
 * Every label gets the same prior mass, never more than its own examples weigh, so the company's
 * own examples dominate as soon as there are a handful of them.
 */
import { countTerms, fitVocabulary, weigh, type SparseVector } from '../classifier/features.ts';
import type { Example } from '../classifier/index.ts';
import { createRandom, shuffle } from '../classifier/random.ts';

/** What a deployment already knows about its routes, besides its labelled examples. */
export interface TriagePriors {
  /** Each route's description in the deployment's words, and the classifier label its rows take. */
  routes: { label: string; description: string }[];
  /** The knowledge base's articles. */
  articles: { title: string; body: string; tags: string[] }[];
  /** General customer-service rows, labelled with a label set of their own. */
  general: Example[];
  /** Weight of one own example (deployment.yaml training.weight): prior rows never weigh more. */
  weight: number;
}

/** How prior rows are weighed and chosen (defaults measured on a development split, see README). */
export interface PriorOptions {
  /** Prior mass of every label, in own examples (each own example weighing `weight`). */
  mass?: number;
  /** A general intent is borrowed when its similarity to the best label is at least this many times that to the runner-up. */
  shareRatio?: number;
  /**
   * General rows borrowed per intent at most. The intent's mass is spread over them: more rows
   * weigh less each, and more wordings keep one borrowed word ("switch" of switch_account) from
   * deciding alone. Measured with test/bench/few-shot-dev.ts (telecom examples a draw left out,
   * 2 draws): 15 → 40 → 100 → 200 rows gave 84.5 / 86.1 / 88.3 / 87.5% at 10 examples per route;
   * beyond 100 only training time grows.
   */
  rowsPerIntent?: number;
  seed?: number;
}

/** A general intent borrowed for a label, and how close they are (for `frontdesk train` to show). */
export interface SharedIntent {
  intent: string;
  label: string;
  similarity: number;
}

const DEFAULTS = { mass: 6, shareRatio: 1.3, rowsPerIntent: 100, seed: 1 };

/**
 * The prior rows for `own` (the deployment's own examples, which decide the labels) and which
 * general intents were borrowed. Empty when there are no own examples.
 */
export function priorExamples(own: Example[], priors: TriagePriors, options: PriorOptions = {}): { rows: Example[]; shared: SharedIntent[] } {
  const o = { ...DEFAULTS, ...options };
  const labels = [...new Set(own.map((e) => e.label))].sort();
  if (labels.length === 0) return { rows: [], shared: [] };
  const labelSet = new Set(labels);

  const described = new Map<string, string[]>();
  for (const r of priors.routes) {
    if (labelSet.has(r.label)) described.set(r.label, [...(described.get(r.label) ?? []), ...descriptionRows(r.description)]);
  }
  const articleRows = priors.articles.map(articleTexts);
  const generalByIntent = new Map<string, Example[]>();
  for (const e of priors.general) {
    if (labelSet.has(e.label)) continue; // a label both sets have is the deployment's own
    const list = generalByIntent.get(e.label);
    if (list) list.push(e);
    else generalByIntent.set(e.label, [e]);
  }

  // One tf-idf space over everything compared; a label is known by its examples and description.
  const texts = [...own.map((e) => e.text), ...[...described.values()].flat(), ...articleRows.flat(), ...priors.general.map((e) => e.text)];
  const counts = new Map<string, ReturnType<typeof countTerms>>();
  for (const t of texts) if (!counts.has(t)) counts.set(t, countTerms(t));
  const vocab = fitVocabulary([...counts.values()]);
  const vector = (t: string) => weigh(counts.get(t) ?? countTerms(t), vocab.column, vocab.idf);
  const centroidOf = (rows: string[]) => centroid(rows.map(vector), vocab.buckets.length);
  const labelCentroids = labels.map((l) => centroidOf([...own.filter((e) => e.label === l).map((e) => e.text), ...(described.get(l) ?? [])]));
  const closest = (c: Float32Array) => {
    const sims = labelCentroids.map((lc) => cosine(c, lc));
    const order = sims.map((_, i) => i).sort((a, b) => sims[b]! - sims[a]!);
    return { best: order[0]!, similarity: sims[order[0]!]!, ratio: sims[order[0]!]! / Math.max(1e-9, sims[order[1]!] ?? 0) };
  };

  const sources = new Map<string, string[][]>(labels.map((l) => [l, []]));
  // Descriptions: the label's own words about itself.
  for (const [label, rows] of described) sources.get(label)!.push(rows);
  // Articles: to the label they resemble most, if clearly so.
  for (const rows of articleRows) {
    const match = closest(centroidOf(rows));
    if (match.ratio >= o.shareRatio) sources.get(labels[match.best]!)!.push(rows);
  }
  // General intents: borrowed by the label they resemble most, if clearly so.
  const random = createRandom(o.seed ^ 0x9e1);
  const shared: SharedIntent[] = [];
  for (const intent of [...generalByIntent.keys()].sort()) {
    const rows = generalByIntent.get(intent)!;
    const match = closest(centroidOf(rows.map((e) => e.text)));
    if (match.ratio < o.shareRatio) continue;
    const label = labels[match.best]!;
    shared.push({ intent, label, similarity: Math.round(match.similarity * 1000) / 1000 });
    sources.get(label)!.push(shuffle([...rows], random).slice(0, o.rowsPerIntent).map((e) => e.text));
  }

  // Each label's prior mass is split evenly over its sources, then over each source's rows; it
  // never exceeds the label's own examples' mass, and one prior row never outweighs an own one.
  const rows: Example[] = [];
  for (const label of labels) {
    const groups = sources.get(label)!.filter((g) => g.length > 0);
    if (groups.length === 0) continue;
    const ownCount = own.filter((e) => e.label === label).length;
    const mass = Math.min(o.mass, ownCount) * priors.weight;
    for (const group of groups) {
      const weight = Math.min(priors.weight, mass / groups.length / group.length);
      for (const text of group) rows.push({ text, label, weight });
    }
  }
  return { rows, shared };
}

/** A description and its comma- or semicolon-separated parts, each a row ("no signal or weak coverage"). */
function descriptionRows(description: string): string[] {
  const parts = description
    .split(/[,;:.]\s+|\.$/)
    .map((p) => p.trim())
    .filter((p) => p.split(/\s+/).length >= 2);
  return [description.trim(), ...parts];
}

/** An article as short texts a question would resemble: its title, its headings, its tags together, its sentences. */
function articleTexts(article: { title: string; body: string; tags: string[] }): string[] {
  const headings = [...article.body.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]!.trim());
  return [article.title, ...headings, ...(article.tags.length ? [article.tags.join(' ')] : []), ...articleSentences(article.body)].filter((t) => t.trim().length > 0);
}

/**
 * The sentences of an article's prose and list items (tables and headings left out): they name the
 * route's things in the company's own words ("PAC code", "APN settings") where a title and a few
 * tags are too few words to learn from. Fragments under four words say too little.
 */
function articleSentences(body: string): string[] {
  return body
    .split('\n')
    .filter((line) => !/^\s*(#|\||---)/.test(line))
    .map((line) => line.replace(/^\s*([-*]|\d+\.)\s+/, '').replace(/[*_`\[\]]/g, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((t) => t.trim())
    .filter((t) => t.split(/\s+/).length >= 4);
}

function centroid(vectors: SparseVector[], columns: number): Float32Array {
  const c = new Float32Array(columns);
  for (const v of vectors) for (let i = 0; i < v.index.length; i++) c[v.index[i]!]! += v.value[i]!;
  return c;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
