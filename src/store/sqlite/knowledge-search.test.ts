import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, zipfWords } from '../../../test/support/zipf-words.ts';
import type { Store } from '../../core/ports.ts';
import { createSqliteStore } from './index.ts';
import { searchKnowledge } from './knowledge-search.ts';
import type { Connection } from './postings-memory.ts';

/**
 * A Connection on a better-sqlite3 handle. Search writes only to TEMP tables, so refusing every
 * write makes a connection that allows none (as a Durable Object's).
 */
function connectionTo(db: Database.Database, refuseTemp: boolean): Connection {
  const engine = drizzle(db);
  return {
    all: (query) => engine.all(query),
    run(query) {
      if (refuseTemp) throw new Error('not authorized');
      engine.run(query);
    },
  };
}

describe.each([
  ['from the postings in memory', false],
  ['by FTS5, where the connection allows no TEMP tables', true],
])('knowledge search on SQLite, %s', (_, refuseTemp) => {
  let dir: string;
  let store: Store;
  let reference: Database.Database;
  /** The connection searches run on, and every statement it ran (to tell which way it ranked). */
  let searcher: Database.Database;
  const statements: string[] = [];
  const random = createRandom(7);
  const words = zipfWords(random);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-kb-search-'));
    store = createSqliteStore({ path: join(dir, 'kb.db') });
    await store.migrate();
    await store.transaction(async (repo) => {
      for (let i = 0; i < 800; i++) {
        const tags = words(1 + Math.floor(random() * 3)).split(' ');
        await repo.upsertArticle({ slug: `a${i}`, title: words(2 + Math.floor(random() * 4)), body: words(30 + Math.floor(random() * 60)), tags, now: 0 });
      }
    });
    reference = new Database(join(dir, 'kb.db'), { readonly: true });
    searcher = new Database(join(dir, 'kb.db'), { readonly: true, verbose: (statement) => statements.push(String(statement)) });
  });

  afterAll(async () => {
    reference.close();
    searcher.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks as scoring every match would, also where common words make pruning pay off', async () => {
    // Every match scored and sorted: the ranking pruning must reproduce.
    const scoreAll = reference.prepare(
      `select a.id as id, -bm25(kb_fts, 8.0, 4.0, 1.0) as score from kb_fts join kb_articles a on a.rowid = kb_fts.rowid
       where kb_fts match ? order by score desc limit ?`,
    );
    const connection = connectionTo(searcher, refuseTemp);
    statements.length = 0;
    const commonWordArticles = reference.prepare(`select count(*) as n from kb_fts where kb_fts match 'word0'`).get() as { n: number };
    expect(commonWordArticles.n).toBeGreaterThan(400); // queries below match most articles

    // The last hundred are long questions (up to 16 words), where many terms share the score.
    for (let q = 0; q < 400; q++) {
      const query = `word${q % 3} ${words(1 + (q % 6) + (q >= 300 ? 6 + (q % 4) : 0))}`;
      const limit = 1 + (q % 5);
      const terms = [...new Set(query.split(' '))];
      const expected = scoreAll.all(terms.map((t) => `"${t}"`).join(' OR '), limit);
      // The full-text stage itself: the repository re-orders its candidates by title afterwards.
      const hits = searchKnowledge(connection, terms, limit);
      expect(hits.map((h) => ({ id: h.id, score: h.score })), query).toEqual(expected);
    }
    expect(statements.some((statement) => statement.includes('bm25('))).toBe(refuseTemp);
  });

  it('answers two common words that rarely meet from the articles holding both', async () => {
    // 3,000 more articles: "alpha" in 600, "beta" in 600, both (in the title) in only 40. Articles
    // with one of them cannot reach those with both, so scoring the 40 answers the query.
    await store.transaction(async (repo) => {
      for (let i = 0; i < 3000; i++) {
        const both = i >= 560 && i < 600;
        const extra = `${i < 560 ? ' alpha' : ''}${i >= 600 && i < 1160 ? ' beta' : ''}`;
        const title = both ? `alpha beta ${words(1)}` : words(3);
        await repo.upsertArticle({ slug: `pair${i}`, title, body: `${words(40)}${extra}`, tags: [], now: 0 });
      }
    });
    const both = reference.prepare(`select count(*) as n from kb_fts where kb_fts match 'alpha AND beta'`).get() as { n: number };
    expect(both.n).toBe(40);
    const expected = reference
      .prepare(`select a.id as id, -bm25(kb_fts, 8.0, 4.0, 1.0) as score from kb_fts join kb_articles a on a.rowid = kb_fts.rowid where kb_fts match '"alpha" OR "beta"' order by score desc limit 3`)
      .all() as { id: string; score: number }[];
    const hits = searchKnowledge(connectionTo(searcher, refuseTemp), ['alpha', 'beta'], 3);
    expect(hits).toEqual(expected);
    expect(hits.every((h) => h.id.startsWith('pair') && Number(h.id.slice(4)) >= 560 && Number(h.id.slice(4)) < 600)).toBe(true);
  });
});
