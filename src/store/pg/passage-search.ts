/**
 * Passage search on PostgreSQL: the top passages for OR-ed terms by ts_rank_cd over the weighted
 * tsvector of migrations/pg/0004_knowledge_passages_fts.sql (title A, heading B, text C), every
 * match scored, ties in id order. The heading weighs most: it names what the passage answers,
 * while the title is shared by every passage of the article and tells articles apart rather than
 * passages. Normalisation 1 (rank / (1 + log length)), as for articles.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../repository.ts';
import type { Hit } from './knowledge-search.ts';

/** ts_rank_cd weights in its order {D, C, B, A}: text (C) 0.5, heading (B) 1.0, title (A) 0.3 (fitted on test/fixtures/kb/demo-questions.jsonl). */
const WEIGHTS = '{0.1, 0.5, 1.0, 0.3}';

/** `terms` are letters and digits only (searchTerms), so they are safe inside a tsquery. */
export async function searchPassages(db: Db, terms: string[], limit: number): Promise<Hit[]> {
  const result = await db.execute(
    sql`select p.id, ts_rank_cd(${WEIGHTS}::float4[], p.search, q, 1) as score
        from kb_passages p, to_tsquery('english', ${terms.join(' | ')}) q
        where p.search @@ q order by score desc, p.id limit ${limit}`,
  );
  return (result.rows as { id: string; score: number | string }[]).map((r) => ({ id: r.id, score: Number(r.score) }));
}
