/**
 * Knowledge search on PostgreSQL: the top articles for OR-ed terms by ts_rank_cd (title > tags >
 * body, normalised by log length), ranked exactly as scoring every match would rank them, without
 * scoring every match. ts_rank_cd costs microseconds per article and a common word ("order") is in
 * nearly every article, so scoring every match took about 40 ms at 10,000 articles.
 *
 * For a query of OR-ed single lexemes ts_rank_cd counts each occurrence of a query lexeme once, so
 * an article's rank is the sum of its ranks for each lexeme alone (up to float4 rounding). Those
 * are kept per article and lexeme in kb_search_terms, indexed by lexeme and rank, and the function
 * kb_search (migrations/pg/0002_knowledge_search_terms.sql; since 0013 written from the template
 * that also writes kb_passage_search) ranks a query in one statement:
 *  1. it takes each lexeme's best articles (PROBE_DEPTH, and always more than the limit) and ranks
 *     them; θ, the limit-th best rank, is a score the top articles reach. If the ranks where
 *     the lexemes' lists were cut add up to less than θ, no article outside the probe can reach the
 *     top;
 *  2. otherwise it gives each lexeme a cutoff, in proportion to its best rank, the cutoffs adding up
 *     to CUTOFF_SHARE × θ, and reads each lexeme's articles above its cutoff. An article in none of
 *     those lists scores at most the sum of the cutoffs, below θ; one in some scores at most what
 *     was read plus, for each list it is missing from, the best rank under that list's cutoff, and
 *     only those that can still reach θ are ranked;
 *  3. ranking is ts_rank_cd of the whole query, on the article itself (about 10 µs, less than
 *     summing its ranks from kb_search_terms, an index lookup per lexeme), so every score is the
 *     one scoring every match gives; ties in id order (since migration 0018_kb_rank_candidates).
 * A query that is not plain single lexemes (a term the parser splits in two) is ranked by scoring
 * every match. A database function rather than a statement sent from here: PL/pgSQL keeps its plan
 * for the session, and it can run with JIT off (see the migration).
 *
 * The function reads thousands of index entries for questions of several common words; a copy of
 * kb_search_terms in this server's memory (postings-memory.ts) finds the rows to rank without
 * them, and only the rank of those rows is asked of the database. The function ranks the
 * questions the copy cannot (not a plain OR of single lexemes).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../repository.ts';
import { rankFromCopy, type RankTable } from './postings-memory.ts';

const ARTICLE_RANKS: RankTable = { terms: 'kb_search_terms', key: 'article' };

export interface Hit {
  id: string;
  score: number;
}

/** Best articles read per lexeme first; one more than the limit when that is more. */
export const PROBE_DEPTH = 8;
/** What the cutoffs add up to, as a share of θ: higher reads fewer articles but leaves more to sum up. */
export const CUTOFF_SHARE = 0.6;

/** `terms` are letters and digits only (searchTerms), so they are safe inside a tsquery. */
export async function searchKnowledge(db: Db, terms: string[], limit: number): Promise<Hit[]> {
  if (limit < 1) return [];
  const query = terms.join(' | ');
  const rank = (keys: number[]) =>
    sql`select a.id, ts_rank_cd(a.search, to_tsquery('english', ${query}), 1) as score from kb_articles a
        where a.search_key = any(${sql.param(keys)}::int[]) order by 2 desc, 1 limit ${limit}`;
  const rows =
    (await rankFromCopy<{ id: string; score: number | string }>(db, ARTICLE_RANKS, terms, limit, rank)) ??
    (await db.execute(sql`select id, score from kb_search(${query}, ${limit}::int, ${PROBE_DEPTH}::int, ${CUTOFF_SHARE}::float8)`)).rows;
  return (rows as { id: string; score: number | string }[]).map((r) => ({ id: r.id, score: Number(r.score) }));
}
