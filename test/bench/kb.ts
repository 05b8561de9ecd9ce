/**
 * `npm run bench:kb`: knowledge-base retrieval — `searchKnowledge(query, 3)`, the agents' lookup, and
 * `searchPassages(query, 3)` on the same store (the "passages" lines; load time is the articles') —
 * with 10,000 articles, against the 34-article default knowledge base measured in the same run on
 * the same store. SQLite always; PostgreSQL as well when FRONTDESK_TEST_PG_URL or DATABASE_URL
 * names a server (a throwaway database is created there and dropped afterwards).
 *
 * The articles beyond the real ones and the queries are generated deterministically (kb-corpus.ts).
 * `BENCH_KB_ARTICLES` and `BENCH_KB_PASSES` change the run;
 * `BENCH_KB_STORE=sqlite` or `postgres` measures one store only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { defaultArticles } from '../support/deployment.ts';
import type { ArticleInput } from '../../src/core/knowledge.ts';
import type { Repository, Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { catalogue, generatedArticles, queryMix, seeded, wordCount } from './kb-corpus.ts';

const ARTICLES = Number(process.env.BENCH_KB_ARTICLES ?? 10_000);
/** Timed passes over the query mix after one warm-up pass. */
const PASSES = Number(process.env.BENCH_KB_PASSES ?? 3);
const LIMIT = 3;
const TARGET_P99_MS = 5;
const ONLY = process.env.BENCH_KB_STORE;

// ── measuring ───────────────────────────────────────────────────────────────

interface Timing {
  articles: number;
  loadMs: number;
  mean: number;
  p50: number;
  p99: number;
  /**
   * This process's CPU time per query (process.cpuUsage around the call), p50 and p99. On SQLite
   * that is the query itself, run synchronously, and unlike wall time it holds on a loaded
   * machine; on PostgreSQL it is only the client's share (the server's time is not in it).
   */
  cpuP50: number;
  cpuP99: number;
  qps: number;
  /** Share of queries with at least one hit (a sanity check that the mix matches the articles). */
  answered: number;
}

/** Loads articles the way `frontdesk kb import` does: one transaction. */
async function load(store: Store, articles: ArticleInput[]): Promise<number> {
  const started = performance.now();
  const now = Date.now();
  await store.transaction(async (repo) => {
    for (const article of articles) await repo.upsertArticle({ ...article, now });
  });
  return performance.now() - started;
}

/** What is timed: article search (the default) or passage search. */
type Search = (repo: Repository, query: string) => Promise<unknown[]>;
const articleSearch: Search = (repo, query) => repo.searchKnowledge(query, LIMIT);
const passageSearch: Search = (repo, query) => repo.searchPassages(query, LIMIT);

async function measure(repo: Repository, queries: string[], loadMs: number, search: Search = articleSearch): Promise<Timing> {
  for (const query of queries) await search(repo, query); // warm-up: JIT, statement cache, page cache
  const times: number[] = [];
  const cpuTimes: number[] = [];
  let answered = 0;
  const started = performance.now();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const query of queries) {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const hits = await search(repo, query);
      const cpu = process.cpuUsage(cpu0);
      times.push(performance.now() - t0);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      if (pass === 0 && hits.length > 0) answered += 1;
    }
  }
  const elapsed = performance.now() - started;
  times.sort((a, b) => a - b);
  cpuTimes.sort((a, b) => a - b);
  const percentileOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  const percentile = (p: number) => percentileOf(times, p);
  return {
    articles: await repo.countArticles(),
    loadMs,
    mean: times.reduce((s, t) => s + t, 0) / times.length,
    p50: percentile(0.5),
    p99: percentile(0.99),
    cpuP50: percentileOf(cpuTimes, 0.5),
    cpuP99: percentileOf(cpuTimes, 0.99),
    qps: times.length / (elapsed / 1000),
    answered: answered / queries.length,
  };
}

const ms = (x: number) => `${x.toFixed(3)} ms`;
const line = (engine: string, t: Timing) =>
  `${engine.padEnd(10)} ${t.articles.toLocaleString('en-US').padStart(6)} articles  load ${Math.round(t.loadMs).toLocaleString('en-US').padStart(6)} ms   ` +
  `mean ${ms(t.mean)}  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  CPU p50 ${ms(t.cpuP50)} p99 ${ms(t.cpuP99)}  ${Math.round(t.qps).toLocaleString('en-US').padStart(6)} queries/s  answered ${(t.answered * 100).toFixed(0)}%`;

/**
 * The default knowledge base first (the baseline), then the generated articles on top of it in
 * the same store. `settle` runs after the bulk load: what the database would do on its own soon
 * after an import (PostgreSQL's autovacuum), so the figures are for steady state.
 */
async function bench(engine: string, store: Store, real: ArticleInput[], generated: ArticleInput[], queries: string[], settle?: () => Promise<void>) {
  await store.migrate();
  const small = await measure(store.repo, queries, await load(store, real));
  process.stdout.write(`${line(engine, small)}\n`);
  process.stdout.write(`${line('passages', await measure(store.repo, queries, 0, passageSearch))}\n`);
  const loadMs = await load(store, generated);
  await settle?.();
  const large = await measure(store.repo, queries, loadMs);
  process.stdout.write(`${line(engine, large)}\n`);
  process.stdout.write(`${line('passages', await measure(store.repo, queries, 0, passageSearch))}\n`);
  process.stdout.write(
    `${''.padEnd(10)} ratio ${large.articles.toLocaleString('en-US')} / ${small.articles} articles: mean ${(large.mean / small.mean).toFixed(2)}  ` +
      `p50 ${(large.p50 / small.p50).toFixed(2)}  p99 ${(large.p99 / small.p99).toFixed(2)}   ` +
      `p99 ≤ ${TARGET_P99_MS} ms: ${large.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'}\n`,
  );
}

async function benchSqlite(real: ArticleInput[], generated: ArticleInput[], queries: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-kb-'));
  const store = createSqliteStore({ path: join(dir, 'kb.db') });
  try {
    await bench('SQLite', store, real, generated, queries);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchPostgres(adminUrl: string, real: ArticleInput[], generated: ArticleInput[], queries: string[]) {
  // The contract tests' throwaway database; its helper reads the server from FRONTDESK_TEST_PG_URL.
  process.env.FRONTDESK_TEST_PG_URL = adminUrl;
  const { createTestDatabase } = await import('../support/postgres.ts');
  const db = await createTestDatabase();
  const store = createPgStore({ url: db.url });
  const vacuum = async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      // Every table, as autovacuum would: merges the GIN pending list, and gives kb_search_terms its
      // visibility map (index-only scans) and statistics.
      await client.query('vacuum analyze');
    } finally {
      await client.end();
    }
  };
  try {
    await bench('PostgreSQL', store, real, generated, queries, vacuum);
  } finally {
    await store.close();
    await db.drop();
  }
}

async function main() {
  const real = defaultArticles();
  const shop = catalogue(seeded(3));
  const generated = generatedArticles(ARTICLES, real, shop);
  const articles = [...real, ...generated];
  const queries = queryMix(real, shop);
  const meanWords = articles.reduce((s, a) => s + wordCount(a.body), 0) / articles.length;
  const vocabulary = new Set(articles.flatMap((a) => `${a.title} ${a.body}`.toLowerCase().split(/[^\p{L}\p{N}]+/u))).size;
  process.stdout.write(
    `Knowledge-base search: searchKnowledge(query, ${LIMIT}), ${queries.length} queries × ${PASSES} passes after a warm-up pass; ` +
      `${articles.length.toLocaleString('en-US')} articles (${real.length} from config/demo/kb), ${Math.round(meanWords)} words each on average, ${vocabulary.toLocaleString('en-US')} distinct words\n`,
  );
  if (ONLY !== 'postgres') await benchSqlite(real, generated, queries);
  const pgUrl = process.env.FRONTDESK_TEST_PG_URL || process.env.DATABASE_URL;
  if (ONLY === 'sqlite') process.stdout.write('PostgreSQL: not asked for (BENCH_KB_STORE=sqlite)\n');
  else if (pgUrl) await benchPostgres(pgUrl, real, generated, queries);
  else process.stdout.write('PostgreSQL: skipped (set FRONTDESK_TEST_PG_URL or DATABASE_URL to a server where a database may be created)\n');
}

await main();
