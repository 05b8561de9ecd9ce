/**
 * Passage search on SQLite: the top passages for OR-ed terms by FTS5 bm25 over (title, heading,
 * text), every match scored. The heading weighs most: it names what the passage answers, while the
 * title is shared by every passage of the article and tells articles apart rather than passages.
 */
import { sql } from 'drizzle-orm';
import { matchAny, type Hit, type RunQuery } from './knowledge-search.ts';

/** bm25 column weights: title, heading, text. */
const WEIGHTS = { title: 4, heading: 8, text: 1 };

export function searchPassages(run: RunQuery, terms: string[], limit: number): Hit[] {
  const query = matchAny(terms);
  // Lower bm25 is better, so the score is its negation.
  return run<Hit>(
    sql`select p.id as id, f.score as score
        from (select rowid, -bm25(kb_passage_fts, ${WEIGHTS.title}, ${WEIGHTS.heading}, ${WEIGHTS.text}) as score from kb_passage_fts
              where kb_passage_fts match ${query} order by score desc limit ${limit}) f
        join kb_passages p on p.seq = f.rowid order by f.score desc, p.id`,
  );
}
