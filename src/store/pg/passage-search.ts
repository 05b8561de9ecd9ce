/**
 * Passage search on PostgreSQL: the top passages for OR-ed terms by ts_rank_cd over the weighted
 * tsvector of migrations/pg/0004_knowledge_passages_fts.sql (title A, heading B, text C; weights
 * kb_passage_weights()), ties in id order, ranked exactly as scoring every match would rank them
 * without scoring every match: kb_passage_search (migrations/pg/0014_passage_search_terms.sql, 0018_kb_rank_candidates.sql)
 * is kb_search over kb_passage_search_terms, each passage's rank per lexeme (see
 * knowledge-search.ts). The heading weighs most: it names what the passage answers, while the
 * title is shared by every passage of the article and tells articles apart rather than passages.
 * Normalisation 1 (rank / (1 + log length)), as for articles.
 */
import { sql } from 'drizzle-orm';
import type { KnowledgePassage, PassageHit } from '../../core/types.ts';
import type { Db } from '../repository.ts';
import { CUTOFF_SHARE, PROBE_DEPTH } from './knowledge-search.ts';
import { rankFromCopy, type RankTable } from './postings-memory.ts';

const PASSAGE_RANKS: RankTable = { terms: 'kb_passage_search_terms', key: 'passage' };

type Row = KnowledgePassage & { score: number | string };

/** A KnowledgePassage from kb_passages p and its article a: both rankings select these. */
const PASSAGE_COLUMNS = sql.raw(`p.id, p.article_id as "articleId", a.slug, a.title, p.heading, p.text, p.position`);

/**
 * `terms` are letters and digits only (searchTerms), so they are safe inside a tsquery. The
 * passages come with their rows in the same statement, in the function's order (best first).
 * The rows to rank come from the copy in memory (postings-memory.ts) where it can tell them.
 */
export async function searchPassages(db: Db, terms: string[], limit: number): Promise<PassageHit[]> {
  if (limit < 1) return [];
  const query = terms.join(' | ');
  const rank = (keys: number[]) =>
    sql`select ${PASSAGE_COLUMNS}, ts_rank_cd(kb_passage_weights(), p.search, to_tsquery('english', ${query}), 1) as score
        from kb_passages p join kb_articles a on a.id = p.article_id
        where p.search_key = any(${sql.param(keys)}::int[]) order by score desc, p.id limit ${limit}`;
  const rows =
    (await rankFromCopy<Row>(db, PASSAGE_RANKS, terms, limit, rank)) ??
    (
      await db.execute(
        sql`select ${PASSAGE_COLUMNS}, s.score
            from kb_passage_search(${query}, ${limit}::int, ${PROBE_DEPTH}::int, ${CUTOFF_SHARE}::float8) with ordinality as s(id, score, rank)
            join kb_passages p on p.id = s.id join kb_articles a on a.id = p.article_id
            order by s.rank`,
      )
    ).rows;
  return (rows as Row[]).map(({ score, ...passage }) => ({ passage, score: Number(score) }));
}
