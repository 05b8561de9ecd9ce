/**
 * Knowledge search on SQLite: the top articles for OR-ed terms by FTS5 bm25 (weights title 8,
 * tags 4, body 1). Ranked in memory from a copy of the index's postings (postings-memory.ts,
 * ties in rowid order) where the connection allows; otherwise by FTS5, as follows.
 *
 * FTS5 scores a row in about half a microsecond and a common word ("order") matches nearly every
 * article, so with 10,000 articles scoring every match took milliseconds. Pruning (MaxScore, per
 * term): a term adds to an article's bm25 strictly less than its ceiling,
 * (k1 + 1) × its IDF. Once `limit` articles score θ, an article that contains none of the terms
 * whose ceilings are highest scores less than the ceilings of the remaining terms added up; when
 * that sum is below θ, only articles containing one of the highest terms need scoring. They are
 * scored with the full query, so every score is the one the full query gives (equal scores may
 * come in another order, as SQLite leaves their order open either way).
 */
import { sql, type SQL } from 'drizzle-orm';
import { topByBm25, type Connection, type FtsIndex } from './postings-memory.ts';

export interface Hit {
  id: string;
  score: number;
}

/** Runs one statement; the store passes its connection. */
export type RunQuery = <T>(query: SQL) => T[];

/** kb_fts and the weights of its columns. */
const ARTICLE_INDEX: FtsIndex = { table: 'kb_fts', weights: { title: 8, tags: 4, body: 1 } };

/** FTS5's bm25 parameter k1: a term's contribution approaches (k1 + 1) × IDF as it repeats. */
const K1 = 1.2;
/** Below this many matches (counted per term) scoring them all costs less than the queries pruning adds. */
const PRUNE_FROM_MATCHES = 1_000;
/** Guards the ceiling comparison against rounding in the sums. */
const MARGIN = 1e-6;

const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;
/** An FTS5 query matching any of the terms, each as a quoted phrase. */
export const matchAny = (terms: string[]) => terms.map(phrase).join(' OR ');

/**
 * Scores the matches of `query` (among articles matching `within`, when given) and joins the best
 * to their ids. The `+` keeps FTS5 from turning the IN list into one full-text query per rowid.
 */
function ranked(run: RunQuery, query: string, limit: number, within?: string): Hit[] {
  const restriction = within ? sql`and +rowid in (select rowid from kb_fts where kb_fts match ${within})` : sql``;
  // Lower bm25 is better, so the score is its negation.
  return run<Hit>(
    sql`select a.id as id, f.score as score
        from (select rowid, -bm25(kb_fts, 8.0, 4.0, 1.0) as score from kb_fts
              where kb_fts match ${query} ${restriction} order by score desc limit ${limit}) f
        join kb_articles a on a.rowid = f.rowid order by f.score desc`,
  );
}

export function searchKnowledge(conn: Connection, terms: string[], limit: number): Hit[] {
  const top = topByBm25(conn, ARTICLE_INDEX, terms, limit);
  if (!top) return searchWithFts(conn.all.bind(conn), terms, limit);
  if (top.length === 0) return [];
  const ids = new Map(
    conn
      .all<{ rowid: number; id: string }>(sql`select rowid, id from kb_articles where rowid in (select value from json_each(${JSON.stringify(top.map((r) => r.rowid))}))`)
      .map((r) => [r.rowid, r.id]),
  );
  return top.flatMap((r) => {
    const id = ids.get(r.rowid);
    return id === undefined ? [] : [{ id, score: r.score }];
  });
}

/** The same ranking by FTS5 itself, pruned: for connections that cannot hold the copy. */
function searchWithFts(run: RunQuery, terms: string[], limit: number): Hit[] {
  const query = matchAny(terms);
  // bm25 takes IDF from the article count; the largest rowid bounds it from above, and a larger
  // count only raises the ceilings, so pruning stays exact. It also bounds the matches: a small
  // knowledge base skips counting them.
  const articles = run<{ n: number | null }>(sql`select max(rowid) as n from kb_articles`)[0]!.n ?? 0;
  if (limit < 1 || articles * terms.length < PRUNE_FROM_MATCHES) return ranked(run, query, limit);
  const counted = terms.map((term) => ({
    term,
    matches: run<{ n: number }>(sql`select count(*) as n from kb_fts where kb_fts match ${phrase(term)}`)[0]!.n,
  }));
  if (counted.reduce((sum, t) => sum + t.matches, 0) < PRUNE_FROM_MATCHES) return ranked(run, query, limit);
  const byCeiling = counted
    .map((t) => {
      const idf = Math.log((articles - t.matches + 0.5) / (t.matches + 0.5));
      return { ...t, ceiling: (K1 + 1) * (idf > 0 ? idf : 1e-6) }; // bm25 floors IDF at 1e-6
    })
    .sort((a, b) => b.ceiling - a.ceiling);
  const ceilingAfter = (n: number) => byCeiling.slice(n).reduce((sum, t) => sum + t.ceiling, 0) * (1 + MARGIN);
  const within = (n: number) => matchAny(byCeiling.slice(0, n).map((t) => t.term));

  // θ from the articles containing the highest terms, as few as can fill the limit.
  let probed = 0;
  for (let seen = 0; probed < byCeiling.length && seen < limit; probed++) seen += byCeiling[probed]!.matches;
  if (probed === byCeiling.length) return ranked(run, query, limit);
  const probe = ranked(run, query, limit, within(probed));
  if (probe.length < limit) return ranked(run, query, limit);
  const theta = probe[limit - 1]!.score;

  let needed = probed;
  while (needed < byCeiling.length && ceilingAfter(needed) >= theta) needed++;
  if (needed === probed) return probe;
  if (needed === byCeiling.length) return ranked(run, query, limit);
  return ranked(run, query, limit, within(needed));
}
