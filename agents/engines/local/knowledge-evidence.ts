/**
 * The knowledge base as evidence in triage. The classifier learns from intent examples, and store
 * policies (restocking fees, a winter sale, gift wrapping) are only partly among them; the
 * knowledge base covers them. When triage is not confident, a message whose distinctive words an
 * article covers is a question that article answers, so it goes to the knowledge route instead of
 * a person.
 *
 * Strength of a match: the share of the message's words known to the knowledge base, weighted by
 * how rare each is among the articles (idf), that the best single article contains. "restocking
 * fees on returns" → all of it in the refund policy (1.0); "is NW-10011 still coming this week" →
 * common words spread over several articles (~0.5).
 */
import type { ArticleInput } from '../../../src/core/knowledge.ts';
import { foldText } from '../../../src/core/text.ts';

/** Words that say nothing about the topic, including how staff relay a customer's question. */
const STOPWORDS = new Set(
  ('about also and any are ask asks asking been but can cannot could customer customers did does doing dont for from get got had has have ' +
    'hello help her hey him his how into its just know let like may might need not our out please really she should some someone still than ' +
    'thank thanks that the their them then there these they this those too very want wants was were what when where which while who ' +
    'why will with would you your yours').split(' '),
);

/** Crude stemming: enough for "returns"/"returned"/"returning" to meet, no dictionary needed. */
const stem = (word: string) => word.replace(/(?:ing|ed|es|s)$/, '').slice(0, 7);

function contentWords(text: string): string[] {
  return foldText(text)
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 2 && !STOPWORDS.has(w))
    .map(stem);
}

export interface KnowledgeMatch {
  /** 0–1: idf-weighted share of the message's known words found in the article. */
  strength: number;
  slug: string | null;
}

/** A matcher over the given articles; `match(text)` finds the article covering most of the message. */
export function createKnowledgeEvidence(articles: ArticleInput[]): (text: string) => KnowledgeMatch {
  const docs = articles.map((a) => ({ slug: a.slug, words: new Set(contentWords(`${a.title} ${a.tags.join(' ')} ${a.body}`)) }));
  const df = new Map<string, number>();
  for (const d of docs) for (const w of d.words) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = new Map([...df].map(([w, n]) => [w, Math.log((docs.length + 1) / (n + 0.5))]));
  return (text) => {
    // Words no article knows say nothing either way; one known word is too little to go on.
    const words = [...new Set(contentWords(text))].filter((w) => idf.has(w));
    if (words.length < 2) return { strength: 0, slug: null };
    const total = words.reduce((sum, w) => sum + idf.get(w)!, 0);
    let best: KnowledgeMatch = { strength: 0, slug: null };
    for (const d of docs) {
      let covered = 0;
      for (const w of words) if (d.words.has(w)) covered += idf.get(w)!;
      if (covered / total > best.strength) best = { strength: covered / total, slug: d.slug };
    }
    return best;
  };
}
