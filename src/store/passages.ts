/**
 * Keeps kb_passages in step with kb_articles, the same for both dialects: an article's passages
 * are cut in TypeScript (src/core/passages.ts) and rewritten whenever the article is written. The
 * full-text rows follow by triggers (see the passage migrations).
 */
import { eq, isNull } from 'drizzle-orm';
import { passageId, splitPassages } from '../core/passages.ts';
import type { Db, Schema } from './repository.ts';

const rowsOf = (article: { id: string; title: string; body: string }) =>
  splitPassages(article).map((p) => ({ id: passageId(article.id, p.position), articleId: article.id, ...p }));

/** Replaces the passages of one article; run it in the transaction that writes the article. */
export async function replacePassages(db: Db, t: Schema, article: { id: string; title: string; body: string }): Promise<void> {
  await db.delete(t.kbPassages).where(eq(t.kbPassages.articleId, article.id));
  const rows = rowsOf(article);
  if (rows.length > 0) await db.insert(t.kbPassages).values(rows);
}

/**
 * Writes the passages of articles that have none: those stored before passages existed (the
 * migration adds the table; cutting is not SQL). One statement per article, so each is written
 * whole or not at all; replicas starting together write the same rows and skip each other's.
 * An article whose body yields none is looked at again on the next start, which costs only the
 * cutting. Returns how many articles got passages.
 */
export async function backfillPassages(db: Db, t: Schema): Promise<number> {
  const missing = await db
    .select({ id: t.kbArticles.id, title: t.kbArticles.title, body: t.kbArticles.body })
    .from(t.kbArticles)
    .leftJoin(t.kbPassages, eq(t.kbPassages.articleId, t.kbArticles.id))
    .where(isNull(t.kbPassages.id));
  let filled = 0;
  for (const article of missing) {
    const rows = rowsOf(article);
    if (rows.length === 0) continue;
    await db.insert(t.kbPassages).values(rows).onConflictDoNothing();
    filled++;
  }
  return filled;
}
