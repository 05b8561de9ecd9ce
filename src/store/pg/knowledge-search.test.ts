import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRandom, zipfWords } from '../../../test/support/zipf-words.ts';
import { createTestDatabase, postgresUnavailable } from '../../../test/support/postgres.ts';
import { describeWithService } from '../../../test/support/services.ts';
import type { Store } from '../../core/ports.ts';
import type { Db } from '../repository.ts';
import { searchTerms } from '../search-terms.ts';
import { createPgStore } from './index.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { searchPassages } from './passage-search.ts';

/** Every match ranked: what the search ranked before kb_search_terms, and must still return. */
const SCORE_ALL = `select id, ts_rank_cd(search, q, 1) as score from kb_articles, to_tsquery('english', $1) q
                   where search @@ q order by score desc, id limit $2`;
/** The same for passages: what passage search ranked before kb_passage_search_terms. */
const SCORE_ALL_PASSAGES = `select id, ts_rank_cd(kb_passage_weights(), search, q, 1) as score from kb_passages, to_tsquery('english', $1) q
                            where search @@ q order by score desc, id limit $2`;

describeWithService('PostgreSQL', await postgresUnavailable())('knowledge search on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  let reference: pg.Client;
  let engine: Db;
  const random = createRandom(7);
  const words = zipfWords(random);
  const article = (i: number) => ({
    slug: `a${i}`,
    title: words(2 + Math.floor(random() * 4)),
    // Paragraphs under headings, so that an article has several passages with headings of their own.
    body: [0, 1, 2].map(() => `**${words(2)}**\n\n${words(10 + Math.floor(random() * 30))}`).join('\n\n'),
    tags: words(1 + Math.floor(random() * 3)).split(' '),
    now: 0,
  });

  /** The full-text stage (the repository re-orders its candidates by title afterwards) against every match ranked. */
  async function expectSameRanking(query: string, limit: number) {
    const terms = searchTerms(query);
    const expected = await reference.query(SCORE_ALL, [terms.join(' | '), limit]);
    expect(await searchKnowledge(engine, terms, limit), `${query} (${limit})`).toEqual(expected.rows);
    const passages = await reference.query(SCORE_ALL_PASSAGES, [terms.join(' | '), limit]);
    const hits = (await searchPassages(engine, terms, limit)).map((h) => ({ id: h.passage.id, score: h.score }));
    expect(hits, `passages: ${query} (${limit})`).toEqual(passages.rows);
    return expected.rows as { id: string; score: number }[];
  }

  /** `count` generated questions, each with a common word, with the limits in turn. */
  async function expectSameRankings(count: number, limits: number[]) {
    for (let q = 0; q < count; q++) await expectSameRanking(`word${q % 3} ${words(1 + (q % 6))}`, limits[q % limits.length]!);
  }

  /** Rows of kb_search_terms that differ from the articles as they are now, either way. */
  async function staleTerms() {
    const { rows } = await reference.query(`
      with fresh as (select a.search_key as article, s.lexeme, s.score from kb_articles a, kb_lexeme_scores(a.search) s)
      select count(*)::int as n from ((select * from fresh except select * from kb_search_terms)
                                      union all (select * from kb_search_terms except select * from fresh)) d`);
    return rows[0].n as number;
  }

  /** The same for kb_passage_search_terms against the passages. */
  async function stalePassageTerms() {
    const { rows } = await reference.query(`
      with fresh as (select p.search_key as passage, s.lexeme, s.score from kb_passages p, kb_lexeme_scores(p.search, kb_passage_weights()) s)
      select count(*)::int as n from ((select * from fresh except select * from kb_passage_search_terms)
                                      union all (select * from kb_passage_search_terms except select * from fresh)) d`);
    return rows[0].n as number;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    store = createPgStore({ url: db.url });
    await store.migrate();
    await store.transaction(async (repo) => {
      for (let i = 0; i < 800; i++) await repo.upsertArticle(article(i));
    });
    reference = new pg.Client({ connectionString: db.url });
    await reference.connect();
    engine = drizzle({ client: reference }) as unknown as Db;
  });

  afterAll(async () => {
    await reference?.end();
    await store?.close();
    await db?.drop();
  });

  it('ranks as scoring every match would, also where common words make pruning pay off', async () => {
    const common = await reference.query(`select count(*)::int as n from kb_articles where search @@ to_tsquery('english', 'word0')`);
    expect(common.rows[0].n).toBeGreaterThan(400); // the queries below match most articles
    const passages = await reference.query(`select count(*)::int as n from kb_passages where search @@ to_tsquery('english', 'word0')`);
    expect(passages.rows[0].n).toBeGreaterThan(1000); // and most of their passages
    await expectSameRankings(300, [1, 2, 3, 5, 10, 20]);
  });

  it('stays exact after articles are rewritten and deleted', async () => {
    await store.transaction(async (repo) => {
      for (let i = 0; i < 800; i += 3) await repo.upsertArticle(article(i)); // same slug, new text
    });
    await reference.query(`delete from kb_articles where slug in ('a1', 'a4', 'a7', 'a10', 'a13')`);
    expect(await staleTerms()).toBe(0);
    expect(await stalePassageTerms()).toBe(0);
    await expectSameRankings(100, [3, 10]);
  });

  it('ranks a term the parser splits in two (a phrase, not one lexeme) by scoring every match', async () => {
    await store.repo.upsertArticle({ slug: 'phrase', title: 'ab cd ab cd ab cd', body: 'ab cd, '.repeat(20), tags: [], now: 0 });
    // ௰ (Tamil ten) is a digit to searchTerms but a separator to PostgreSQL: 'ab' <-> 'cd'
    const top = await expectSameRanking('word0 word3 ab௰cd', 5);
    expect(top[0]!.id).toBe('phrase'); // the phrase decides the ranking
  });

  it('scores lexemes with quotes and backslashes, which tsquery input escapes', async () => {
    const scores = await reference.query(
      `select s.lexeme, s.score, ts_rank_cd(v, q, 1) as expected
       from (values ($$'it''s':1A 'a\\\\b':2 plain:3$$::tsvector)) v(v), kb_lexeme_scores(v) s
       join (values ('it''s', $$'it''s'$$::tsquery), ('a\\b', $$'a\\\\b'$$::tsquery), ('plain', 'plain'::tsquery)) e(lexeme, q) using (lexeme)`,
    );
    expect(scores.rows).toHaveLength(3);
    for (const row of scores.rows) expect(row.score, row.lexeme).toBe(row.expected);
    expect(Math.min(...scores.rows.map((r) => r.score))).toBeGreaterThan(0);
  });

  it('keeps kb_passage_search_terms in step with every way an article is written, in its transaction', async () => {
    await store.repo.createArticle({ ...article(9001), slug: 'created' });
    await store.repo.updateArticle('a2', { title: 'zebra crossing', body: '**Stripes**\n\nzebra stripes', tags: [], now: 1 });
    await store.repo.deleteArticle('a5');
    await expect(
      store.transaction(async (repo) => {
        await repo.upsertArticle({ ...article(9002), slug: 'rolled-back', title: 'okapi okapi' });
        throw new Error('the import failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await stalePassageTerms()).toBe(0);
    expect((await searchPassages(engine, ['zebra'], 3)).map((h) => h.passage.id)).toEqual(['a2:0']);
    expect(await searchPassages(engine, ['okapi'], 3)).toEqual([]);
  });

  it('searches from a copy of the ranks that follows every write, also one rolled back', async () => {
    const ids = async (words: string[]) => (await searchKnowledge(engine, words, 3)).map((h) => h.id);
    expect(await ids(['pelican'])).toEqual([]); // the copy now knows the word is nowhere
    await expect(
      store.transaction(async (repo) => {
        await repo.upsertArticle({ ...article(9003), slug: 'birds', title: 'pelican pelican' });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await ids(['pelican'])).toEqual([]);
    await store.repo.upsertArticle({ ...article(9004), slug: 'birds', title: 'pelican pelican' });
    expect(await ids(['pelican'])).toEqual(['birds']);
    expect(new Set((await searchPassages(engine, ['pelican'], 3)).map((h) => h.passage.slug))).toEqual(new Set(['birds'])); // the title is in every passage
    await reference.query(`update kb_articles set title = 'heron heron' where slug = 'birds'`);
    expect(await ids(['pelican'])).toEqual([]);
    expect(await ids(['heron'])).toEqual(['birds']);
  });

  it('searches inside a transaction that writes articles as it will search after it', async () => {
    await store.transaction(async (repo) => {
      await repo.upsertArticle({ ...article(9005), slug: 'otters', title: 'otter otter' });
      expect((await repo.searchKnowledge('otter', 3)).map((h) => h.article.slug)).toEqual(['otters']);
      await repo.upsertArticle({ ...article(9006), slug: 'otters-too', title: 'otter otter otter' });
      expect(new Set((await repo.searchKnowledge('otter', 3)).map((h) => h.article.slug))).toEqual(new Set(['otters', 'otters-too']));
    });
    expect(new Set((await searchKnowledge(engine, ['otter'], 3)).map((h) => h.id))).toEqual(new Set(['otters', 'otters-too']));
  });

  it('empties kb_search_terms and kb_passage_search_terms with kb_articles', async () => {
    expect((await searchKnowledge(engine, ['word0'], 3)).length).toBe(3);
    await reference.query('truncate kb_articles cascade'); // kb_passages refers to it
    const { rows } = await reference.query('select (select count(*) from kb_search_terms)::int as n, (select count(*) from kb_passage_search_terms)::int as p');
    expect(rows[0]).toEqual({ n: 0, p: 0 });
    expect(await searchKnowledge(engine, ['word0'], 3)).toEqual([]);
    expect(await searchPassages(engine, ['word0'], 3)).toEqual([]);
  });
});
