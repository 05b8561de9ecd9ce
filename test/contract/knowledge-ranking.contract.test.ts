/**
 * Knowledge and passage search rank from copies of the postings in memory on both stores (SQLite
 * sums bm25 over every match itself, PostgreSQL ranks only the rows that can reach the top); this
 * suite holds them to what the database scoring every match returns, on both stores, on the benchmark's corpus (test/bench/kb-corpus.ts): real articles,
 * generated ones that reuse their paragraphs (so many passages tie), a long-tailed product
 * vocabulary and the benchmark's questions, then again after articles are rewritten and deleted.
 *
 * Equal scores may come in either order on SQLite (its sorter leaves them open, with or without
 * pruning), so there a hit is checked to be one of the rows with its score, and the scores in
 * order; PostgreSQL orders them by id, so there the ids are the reference's.
 */
import Database from 'better-sqlite3';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue, generatedArticles, queryMix, seeded } from '../bench/kb-corpus.ts';
import { defaultArticles } from '../support/deployment.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import type { Store } from '../../src/core/ports.ts';
import type { PassageHit } from '../../src/core/types.ts';
import type { Db } from '../../src/store/repository.ts';
import { searchTerms } from '../../src/store/search-terms.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { searchKnowledge as pgSearchKnowledge } from '../../src/store/pg/knowledge-search.ts';
import { searchPassages as pgSearchPassages } from '../../src/store/pg/passage-search.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { searchKnowledge as sqliteSearchKnowledge, matchAny } from '../../src/store/sqlite/knowledge-search.ts';
import type { Connection } from '../../src/store/sqlite/postings-memory.ts';
import { searchPassages as sqliteSearchPassages } from '../../src/store/sqlite/passage-search.ts';

interface Hit {
  id: string;
  score: number;
}

/** Rows beyond the limit read from the reference, so that every row tied with the last is among them. */
const REFERENCE_DEPTH = 400;

interface Fixture {
  store: Store;
  /** The full-text stage as the store runs it (the repository re-orders its candidates by title afterwards). */
  search(kind: 'articles' | 'passages', terms: string[], limit: number): Promise<Hit[]>;
  /** Whether equal scores come in id order (then the ids must be the reference's, in its order). */
  tiesInIdOrder: boolean;
  /** Every match scored and sorted, best first, at least `depth` rows when there are as many. */
  scoreAll(kind: 'articles' | 'passages', terms: string[], depth: number): Promise<Hit[]>;
  close(): Promise<void>;
}

function rankingContract(open: () => Promise<Fixture>) {
  const real = defaultArticles();
  const shop = catalogue(seeded(3));
  const generated = generatedArticles(real.length + 1500, real, shop);
  // Every third question of the benchmark's mix: written questions, tags as questions, products.
  const queries = queryMix(real, shop).filter((_, i) => i % 3 === 0);
  let fx: Fixture;

  beforeAll(async () => {
    fx = await open();
    await fx.store.migrate();
    await fx.store.transaction(async (repo) => {
      for (const article of [...real, ...generated]) await repo.upsertArticle({ ...article, now: 1 });
    });
  });
  afterAll(() => fx.close());

  async function expectSameRanking(kind: 'articles' | 'passages') {
    let compared = 0;
    for (const [q, query] of queries.entries()) {
      const terms = searchTerms(query);
      if (terms.length === 0) continue;
      const limit = 1 + (q % 10);
      const [hits, reference] = await Promise.all([fx.search(kind, terms, limit), fx.scoreAll(kind, terms, limit + REFERENCE_DEPTH)]);
      const expectedScores = reference.slice(0, limit).map((r) => r.score);
      expect(
        hits.map((h) => h.score),
        `${kind}: ${query}`,
      ).toEqual(expectedScores);
      const tiedWith = new Map<string, number>(reference.map((r) => [r.id, r.score]));
      for (const hit of hits) expect(tiedWith.get(hit.id), `${kind}: ${query} → ${hit.id}`).toBe(hit.score);
      expect(new Set(hits.map((h) => h.id)).size).toBe(hits.length);
      if (fx.tiesInIdOrder) expect(hits.map((h) => h.id), `${kind}: ${query}`).toEqual(reference.slice(0, limit).map((r) => r.id));
      compared += 1;
    }
    expect(compared).toBeGreaterThan(100);
  }

  it('ranks articles and passages as scoring every match does', async () => {
    await expectSameRanking('articles');
    await expectSameRanking('passages');
  });

  it('still does after articles are rewritten and deleted', async () => {
    await fx.store.transaction(async (repo) => {
      // Every eighth article takes another's text under a new title; every eleventh is deleted.
      for (const [i, article] of generated.entries()) {
        if (i % 11 === 0) await repo.deleteArticle(article.slug);
        else if (i % 8 === 0) {
          const other = generated[(i * 7 + 3) % generated.length]!;
          await repo.upsertArticle({ ...article, title: `${other.title} (${article.tags.at(-1)})`, body: other.body, now: 2 });
        }
      }
      for (const article of real.slice(0, 5)) await repo.deleteArticle(article.slug);
    });
    await expectSameRanking('articles');
    await expectSameRanking('passages');
  });
}

/**
 * A store's full-text stage from its dialect's two searches, which take the same query runner;
 * passages come with their rows and are compared by id and score.
 */
function fullTextStage<Q>(
  query: Q,
  searchArticles: (query: Q, terms: string[], limit: number) => Hit[] | Promise<Hit[]>,
  searchPassages: (query: Q, terms: string[], limit: number) => PassageHit[] | Promise<PassageHit[]>,
): Fixture['search'] {
  return async (kind, terms, limit) =>
    kind === 'articles'
      ? searchArticles(query, terms, limit)
      : (await searchPassages(query, terms, limit)).map((h) => ({ id: h.passage.id, score: h.score }));
}

describe('Knowledge ranking contract: SQLite', () => {
  rankingContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontdesk-kb-ranking-'));
    const path = join(dir, 'kb.db');
    const store = createSqliteStore({ path });
    let reader: Database.Database | undefined;
    let engine: ReturnType<typeof drizzleSqlite> | undefined;
    // Opened once the store has migrated, behind the store's back: both read the same file.
    const side = () => (reader ??= new Database(path, { readonly: true }));
    const sideEngine = () => (engine ??= drizzleSqlite(side()));
    const connection: Connection = { all: (query) => sideEngine().all(query), run: (query) => void sideEngine().run(query) };
    const referenceSql = {
      articles: `select a.id as id, -bm25(kb_fts, 8.0, 4.0, 1.0) as score from kb_fts join kb_articles a on a.rowid = kb_fts.rowid
                 where kb_fts match ? order by score desc limit ?`,
      passages: `select p.id as id, -bm25(kb_passage_fts, 4, 8, 1) as score from kb_passage_fts join kb_passages p on p.seq = kb_passage_fts.rowid
                 where kb_passage_fts match ? order by score desc limit ?`,
    };
    return {
      store,
      tiesInIdOrder: false,
      search: fullTextStage(connection, sqliteSearchKnowledge, sqliteSearchPassages),
      async scoreAll(kind, terms, depth) {
        return side().prepare(referenceSql[kind]).all(matchAny(terms), depth) as Hit[];
      },
      async close() {
        reader?.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

describeWithService('PostgreSQL', await postgresUnavailable())('Knowledge ranking contract: PostgreSQL', () => {
  rankingContract(async () => {
    const db = await createTestDatabase();
    const store = createPgStore({ url: db.url });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const engine = drizzlePg(client) as unknown as Db;
    const referenceSql = {
      articles: `select id, ts_rank_cd(search, q, 1) as score from kb_articles, to_tsquery('english', $1) q
                 where search @@ q order by score desc, id limit $2`,
      passages: `select id, ts_rank_cd(kb_passage_weights(), search, q, 1) as score from kb_passages, to_tsquery('english', $1) q
                 where search @@ q order by score desc, id limit $2`,
    };
    return {
      store,
      tiesInIdOrder: true,
      search: fullTextStage(engine, pgSearchKnowledge, pgSearchPassages),
      async scoreAll(kind, terms, depth) {
        const result = await client.query<{ id: string; score: number }>(referenceSql[kind], [terms.join(' | '), depth]);
        return result.rows.map((r) => ({ id: r.id, score: Number(r.score) }));
      },
      async close() {
        await client.end();
        await store.close();
        await db.drop();
      },
    };
  });
});
