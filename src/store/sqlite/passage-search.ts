/**
 * Passage search on SQLite: the top passages for OR-ed terms by FTS5 bm25 over (title, heading,
 * text), pruned like the article search (knowledge-search.ts), ties in id order. The heading weighs
 * most: it names what the passage answers, while the title is shared by every passage of the
 * article and tells articles apart rather than passages.
 */
import { searchIndex, type FtsIndex, type Hit, type RunQuery } from './knowledge-search.ts';

/** bm25 column weights: title 4, heading 8, text 1; keyed by kb_passages.seq. */
const PASSAGES: FtsIndex = { fts: 'kb_passage_fts', weights: [4, 8, 1], rows: { table: 'kb_passages', rowid: 'seq', tiesById: true } };

export function searchPassages(run: RunQuery, terms: string[], limit: number): Hit[] {
  return searchIndex(run, PASSAGES, terms, limit);
}
