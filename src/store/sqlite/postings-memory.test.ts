/**
 * The in-memory copy of the knowledge indexes follows every write: inside the writing
 * transaction, after it commits, after it rolls back, and when another connection writes.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../core/ports.ts';
import { createSqliteStore } from './index.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { searchPassages } from './passage-search.ts';
import type { Connection } from './postings-memory.ts';

const article = (slug: string, body: string) => ({ slug, title: `About ${slug}`, body, tags: [], now: 0 });

describe('knowledge search from the postings in memory', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'frontdesk-kb-postings-'));
    store = createSqliteStore({ path: join(dir, 'kb.db') });
    await store.migrate();
    await store.transaction(async (repo) => {
      for (let i = 0; i < 50; i++) await repo.upsertArticle(article(`filler${i}`, `shipping and returns, note ${i}`));
    });
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const slugs = async (query: string) => (await store.repo.searchKnowledge(query, 3)).map((h) => h.article.slug);
  const passageSlugs = async (query: string) => (await store.repo.searchPassages(query, 3)).map((h) => h.passage.slug);

  it('sees an article written in the same transaction, and forgets it when that rolls back', async () => {
    expect(await slugs('pelican')).toEqual([]);
    await expect(
      store.transaction(async (repo) => {
        await repo.upsertArticle(article('birds', 'a pelican ate the parcel'));
        expect((await repo.searchKnowledge('pelican', 3)).map((h) => h.article.slug)).toEqual(['birds']);
        expect((await repo.searchPassages('pelican', 3)).map((h) => h.passage.slug)).toEqual(['birds']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await slugs('pelican')).toEqual([]);
    expect(await passageSlugs('pelican')).toEqual([]);

    // Another write after the rollback: the copy made inside the rolled-back transaction is not reused.
    await store.repo.upsertArticle(article('fish', 'a pike in the parcel'));
    expect(await slugs('pelican')).toEqual([]);
    expect(await slugs('pike')).toEqual(['fish']);
  });

  it('follows edits and deletes', async () => {
    await store.repo.upsertArticle(article('birds', 'a pelican ate the parcel'));
    expect(await slugs('pelican parcel')).toEqual(['birds']);
    await store.repo.upsertArticle(article('birds', 'a heron ate the parcel'));
    expect(await slugs('pelican')).toEqual([]);
    expect(await passageSlugs('heron')).toEqual(['birds']);
    expect(await store.repo.deleteArticle('birds')).toBe(true);
    expect(await slugs('heron')).toEqual([]);
    expect(await passageSlugs('heron')).toEqual([]);
  });

  it('follows writes made by another connection', async () => {
    const other = new Database(join(dir, 'kb.db'), { readonly: true });
    try {
      const engine = drizzle(other);
      const connection: Connection = { all: (query) => engine.all(query), run: (query) => void engine.run(query) };
      expect(searchKnowledge(connection, ['pelican'], 3)).toEqual([]);
      await store.repo.upsertArticle(article('birds', 'a pelican ate the parcel'));
      expect(searchKnowledge(connection, ['pelican'], 3).map((h) => h.id)).toEqual(['birds']);
      expect(searchPassages(connection, ['pelican'], 3).map((h) => h.passage.slug)).toEqual(['birds']);
    } finally {
      other.close();
    }
  });
});
