/**
 * Passage search on SQLite: the top passages for OR-ed terms by FTS5 bm25 over (title, heading,
 * text), every match scored. The heading weighs most: it names what the passage answers, while the
 * title is shared by every passage of the article and tells articles apart rather than passages.
 */
import { sql } from 'drizzle-orm';
import type { KnowledgePassage, PassageHit } from '../../core/types.ts';
import { matchAny, type RunQuery } from './knowledge-search.ts';

/** bm25 column weights: title, heading, text. */
const WEIGHTS = { title: 4, heading: 8, text: 1 };

/** The passages with their rows and their articles' slug and title, best first, in one statement. */
export function searchPassages(run: RunQuery, terms: string[], limit: number): PassageHit[] {
  const query = matchAny(terms);
  // Lower bm25 is better, so the score is its negation.
  const rows = run<KnowledgePassage & { score: number }>(
    sql`select p.id as id, p.article_id as articleId, a.slug as slug, a.title as title, p.heading as heading, p.text as text,
          p.position as position, f.score as score
        from (select rowid, -bm25(kb_passage_fts, ${WEIGHTS.title}, ${WEIGHTS.heading}, ${WEIGHTS.text}) as score from kb_passage_fts
              where kb_passage_fts match ${query} order by score desc limit ${limit}) f
        join kb_passages p on p.seq = f.rowid join kb_articles a on a.id = p.article_id order by f.score desc, p.id`,
  );
  return rows.map(({ score, ...passage }) => ({ passage, score }));
}
