/**
 * Everything the embedded engine derives from the knowledge base's articles, built in one go:
 * live-knowledge.ts swaps whole snapshots when the articles change, so the evidence, the passage
 * vocabulary, the tags and the known words always come from the same version of the articles.
 */
import { passageId, splitPassages } from '../../../src/core/passages.ts';
import type { KnowledgeArticle, KnowledgePassage } from '../../../src/core/types.ts';
import { buildVocabulary, type Vocabulary } from './answerability.ts';
import { tokenize } from './classifier/index.ts';
import { createKnowledgeEvidence, type KnowledgeMatch } from './knowledge-evidence.ts';

export interface KnowledgeSnapshot {
  /** The article covering most of the message (knowledge-evidence.ts). */
  match(text: string): KnowledgeMatch;
  /** Word statistics of every article's passages (answerability.ts). */
  vocabulary: Vocabulary;
  /** An article's tags as one string by slug; '' for an unknown slug. */
  tagsOf(slug: string): string;
  /** Whether a (tokenized) word occurs in an article's title, tags or body. */
  hasWord(word: string): boolean;
  /** An article's passages by slug, as the store keeps them (same ids); [] for an unknown slug. */
  passagesOf(slug: string): KnowledgePassage[];
}

/** `generalWords`: everyday words of the deployment (answerability.ts `generalWordsOf`). */
export function buildKnowledgeSnapshot(articles: KnowledgeArticle[], generalWords?: ReadonlySet<string>): KnowledgeSnapshot {
  const tagsBySlug = new Map(articles.map((a) => [a.slug, a.tags.join(' ')]));
  const passagesBySlug = new Map(
    articles.map((a) => [a.slug, splitPassages(a).map((p): KnowledgePassage => ({ id: passageId(a.id, p.position), articleId: a.id, slug: a.slug, title: a.title, ...p }))]),
  );
  const passages = [...passagesBySlug.values()].flat().map((p) => `${p.title} ${tagsBySlug.get(p.slug)} ${p.heading ?? ''} ${p.text}`);
  const words = new Set<string>();
  for (const a of articles) for (const w of tokenize(`${a.title} ${a.tags.join(' ')} ${a.body}`)) words.add(w);
  return {
    match: createKnowledgeEvidence(articles),
    vocabulary: buildVocabulary(passages, generalWords),
    tagsOf: (slug) => tagsBySlug.get(slug) ?? '',
    hasWord: (word) => words.has(word),
    passagesOf: (slug) => passagesBySlug.get(slug) ?? [],
  };
}
