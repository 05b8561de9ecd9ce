import { describe, expect, it } from 'vitest';
import type { KnowledgeHit } from '../core/types.ts';
import { rerankByTitle } from './title-rerank.ts';

const hit = (slug: string, title: string, score: number): KnowledgeHit => ({
  article: { id: slug, slug, title, body: '', tags: [], createdAt: 0, updatedAt: 0 },
  score,
});

describe('rerankByTitle', () => {
  it('lifts the article whose title the question paraphrases above a slightly better full-text match', () => {
    const candidates = [hit('fees', 'Fees for international transfers', 10), hit('strike', 'Strikethrough with GitHub Markdown', 9)];
    const ranked = rerankByTitle('does github support striking through text?', candidates, 2);
    expect(ranked.map((h) => h.article.slug)).toEqual(['strike', 'fees']);
    expect(ranked[0]!.score).toBeGreaterThan(ranked[1]!.score);
  });

  it('keeps the engine order when titles say nothing, and cuts at the limit', () => {
    const candidates = [hit('a', 'Alpha', 3), hit('b', 'Beta', 2), hit('c', 'Gamma', 1)];
    expect(rerankByTitle('zzz', candidates, 2).map((h) => h.article.slug)).toEqual(['a', 'b']);
    expect(rerankByTitle('anything', [], 3)).toEqual([]);
  });
});
