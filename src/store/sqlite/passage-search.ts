/**
 * Passage search on SQLite: the top passages for OR-ed terms by FTS5 bm25 over (title, heading,
 * text), every match scored: in memory from a copy of the index's postings (postings-memory.ts)
 * where the connection allows, by FTS5 otherwise; ties in rowid order. The heading weighs most: it names what the passage answers, while the
 * title is shared by every passage of the article and tells articles apart rather than passages.
 */
import { sql } from 'drizzle-orm';
import type { KnowledgePassage, PassageHit } from '../../core/types.ts';
import { matchAny, type RunQuery } from './knowledge-search.ts';
import { topByBm25, type Connection, type FtsIndex } from './postings-memory.ts';

/** bm25 column weights: title, heading, text. */
const WEIGHTS = { title: 4, heading: 8, text: 1 };
const PASSAGE_INDEX: FtsIndex = { table: 'kb_passage_fts', weights: WEIGHTS };

type Row = KnowledgePassage & { score: number };

/** The passages with their rows and their articles' slug and title, best first, in one statement. */
export function searchPassages(conn: Connection, terms: string[], limit: number): PassageHit[] {
  const ranked = topByBm25(conn, PASSAGE_INDEX, terms, limit);
  const rows = ranked ? passagesOf(conn, ranked) : searchWithFts(conn.all.bind(conn), terms, limit);
  return rows.map(({ score, ...passage }) => ({ passage, score }));
}

/** The ranked passages' rows, in the same order (equal scores by id, as FTS5's statement has them). */
function passagesOf(conn: Connection, ranked: { rowid: number; score: number }[]): Row[] {
  if (ranked.length === 0) return [];
  const bySeq = new Map(
    conn
      .all<Row & { seq: number }>(
        sql`select p.seq as seq, p.id as id, p.article_id as articleId, a.slug as slug, a.title as title, p.heading as heading, p.text as text, p.position as position
            from kb_passages p join kb_articles a on a.id = p.article_id
            where p.seq in (select value from json_each(${JSON.stringify(ranked.map((r) => r.rowid))}))`,
      )
      .map(({ seq, ...row }) => [seq, row]),
  );
  return ranked
    .flatMap((r) => {
      const row = bySeq.get(r.rowid);
      return row ? [{ ...row, score: r.score }] : [];
    })
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The same ranking by FTS5 itself, every match scored: for connections that cannot hold the copy. */
function searchWithFts(run: RunQuery, terms: string[], limit: number): Row[] {
  const query = matchAny(terms);
  // Lower bm25 is better, so the score is its negation.
  return run<Row>(
    sql`select p.id as id, p.article_id as articleId, a.slug as slug, a.title as title, p.heading as heading, p.text as text,
          p.position as position, f.score as score
        from (select rowid, -bm25(kb_passage_fts, ${WEIGHTS.title}, ${WEIGHTS.heading}, ${WEIGHTS.text}) as score from kb_passage_fts
              where kb_passage_fts match ${query} order by score desc limit ${limit}) f
        join kb_passages p on p.seq = f.rowid join kb_articles a on a.id = p.article_id order by f.score desc, p.id`,
  );
}
