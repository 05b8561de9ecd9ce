/**
 * Passage search, one suite run against SQLite and a real PostgreSQL server: articles are cut into
 * passages when written, found by passage, kept in step on edit and delete, and the passages of
 * articles stored before passages existed are written when the store migrates.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultArticles } from '../support/deployment.ts';
import type { Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const NOW = Date.UTC(2026, 10, 24, 12);

interface Fixture {
  store: Store;
  /** Runs SQL on the database over a connection of its own, behind the store's back. */
  exec(statement: string): Promise<void>;
  close(): Promise<void>;
}

function passageContract(open: () => Promise<Fixture>) {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await open();
    await fx.store.migrate();
    await fx.store.transaction(async (repo) => {
      for (const article of defaultArticles()) await repo.upsertArticle({ ...article, now: NOW });
    });
  });
  afterAll(() => fx.close());

  const top = async (query: string) => (await fx.store.repo.searchPassages(query, 3))[0]?.passage;

  it('finds the passage that answers, with its article and heading', async () => {
    expect(await top('what are your opening hours on sunday?')).toMatchObject({
      slug: 'store-locations-and-hours',
      title: 'Store locations and opening hours',
      heading: 'Opening hours (local time)',
      text: expect.stringContaining('Sunday: 11 am – 6 pm'),
    });
    expect(await top('what does the 1-year warranty cover?')).toMatchObject({ slug: 'warranty-and-defective-items', heading: '1-year warranty on Northwind-made products' });
    expect(await top('do you price match other retailers?')).toMatchObject({ heading: "Competitors' prices", text: expect.stringMatching(/^We do not match prices/) });
    const hits = await fx.store.repo.searchPassages('refund', 5);
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    expect(new Set(hits.map((h) => h.passage.id)).size).toBe(5);
    expect(await fx.store.repo.searchPassages('the and of', 3)).toEqual([]);
    expect(await fx.store.repo.searchPassages(`"'; -- | & ! :* ( ) <->`, 3)).toEqual([]);
    expect((await fx.store.repo.searchPassages(`gift "cards' never | expire & !`, 1))[0]?.passage.slug).toBe('gift-cards');
  });

  it('finds an edited article by its new text at once, and no longer by the old', async () => {
    const before = await top('sunday opening hours');
    expect(before?.text).toContain('Sunday: 11 am – 6 pm');
    await fx.store.repo.upsertArticle({
      slug: 'store-locations-and-hours',
      title: 'Store locations and opening hours',
      body: '**Opening hours**\n\n- Every day: 9 am – 9 pm, Sundays included\n\n**Parking**\n\nFree parking behind every store.',
      tags: [],
      now: NOW + 1,
    });
    const hours = (await fx.store.repo.searchPassages('sunday opening hours', 10)).filter((h) => h.passage.slug === 'store-locations-and-hours');
    expect(hours[0]?.passage.text).toBe('- Every day: 9 am – 9 pm, Sundays included');
    expect(hours.map((h) => h.passage.text).join('\n')).not.toContain('11 am – 6 pm');
    expect(await top('where can I park at the store?')).toMatchObject({ heading: 'Parking', position: 1 });
    const old = await fx.store.repo.searchPassages('Milwaukee Avenue Chicago', 10);
    expect(old.map((h) => h.passage.slug)).not.toContain('store-locations-and-hours');
  });

  it('leaves no passage of a deleted article, and says whether there was one', async () => {
    expect(await fx.store.repo.deleteArticle('warranty-and-defective-items')).toBe(true);
    expect(await fx.store.repo.deleteArticle('warranty-and-defective-items')).toBe(false);
    const hits = await fx.store.repo.searchPassages('warranty defects workmanship zips seams', 10);
    expect(hits.map((h) => h.passage.slug)).not.toContain('warranty-and-defective-items');
    expect((await fx.store.repo.searchKnowledge('warranty workmanship', 10)).map((h) => h.article.slug)).not.toContain('warranty-and-defective-items');
  });

  it('writes an article and its passages together or not at all', async () => {
    await expect(
      fx.store.transaction(async (repo) => {
        await repo.upsertArticle({ slug: 'gift-wrap-v2', title: 'Gift boxes', body: 'Kraft gift boxes cost $4 each.', tags: [], now: NOW });
        throw new Error('the import failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect((await fx.store.repo.searchPassages('kraft gift boxes', 10)).map((h) => h.passage.slug)).not.toContain('gift-wrap-v2');
    expect((await fx.store.repo.listArticles()).map((a) => a.slug)).not.toContain('gift-wrap-v2');
  });

  it('keeps passages in step with createArticle and updateArticle (the staff API and the console)', async () => {
    const slugsFor = async (query: string) => (await fx.store.repo.searchPassages(query, 10)).map((h) => h.passage.slug);
    const created = await fx.store.repo.createArticle({ slug: 'bike-workshop', title: 'Bike workshop', body: '**Wheels**\n\nWe true wheels while you wait.', tags: [], now: NOW });
    expect(await top('can you true my wheels?')).toMatchObject({ slug: 'bike-workshop', heading: 'Wheels' });
    // A taken slug: nothing written, the passages stay those of the first article.
    expect(await fx.store.repo.createArticle({ slug: 'bike-workshop', title: 'Other', body: 'Saddles fitted for free.', tags: [], now: NOW })).toBeNull();
    expect(await slugsFor('saddles fitted')).not.toContain('bike-workshop');

    // An edit that loses the conflict check leaves the passages alone.
    const stale = await fx.store.repo.updateArticle('bike-workshop', { title: 'Bike workshop', body: 'Brakes adjusted in an hour.', tags: [], now: NOW + 1, ifUpdatedAt: created!.updatedAt - 1 });
    expect(stale.status).toBe('conflict');
    expect(await slugsFor('brakes adjusted hour')).not.toContain('bike-workshop');
    // An edit rolled back with its transaction takes its passages with it.
    await expect(
      fx.store.transaction(async (repo) => {
        await repo.updateArticle('bike-workshop', { title: 'Bike workshop', body: 'Chains oiled on Mondays.', tags: [], now: NOW + 1 });
        throw new Error('the save failed half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(await slugsFor('chains oiled mondays')).not.toContain('bike-workshop');
    expect(await top('can you true my wheels?')).toMatchObject({ slug: 'bike-workshop' });

    // A saved edit replaces them: found by the new text, no longer by the old.
    const saved = await fx.store.repo.updateArticle('bike-workshop', { title: 'Bike workshop', body: '**Brakes**\n\nBrakes adjusted in an hour.', tags: [], now: NOW + 2, ifUpdatedAt: created!.updatedAt });
    expect(saved.status).toBe('updated');
    expect(await top('how long to adjust my brakes?')).toMatchObject({ slug: 'bike-workshop', heading: 'Brakes', position: 0 });
    expect(await slugsFor('true wheels wait')).not.toContain('bike-workshop');
    expect(await fx.store.repo.deleteArticle('bike-workshop')).toBe(true);
    expect(await slugsFor('brakes adjusted hour')).not.toContain('bike-workshop');
  });

  it('writes the passages of articles stored before passages existed when the store migrates', async () => {
    await fx.exec('delete from kb_passages');
    expect(await fx.store.repo.searchPassages('how long is the refund?', 3)).toEqual([]);
    await fx.store.migrate();
    expect(await top('do you price match other retailers?')).toMatchObject({ heading: "Competitors' prices" });
    await fx.store.migrate(); // nothing missing: nothing written twice
    const hits = await fx.store.repo.searchPassages('competitors retailers marketplaces', 10);
    expect(hits.filter((h) => h.passage.heading === "Competitors' prices")).toHaveLength(1);
  });
}

describe('Passage search contract: SQLite', () => {
  passageContract(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'frontdesk-passages-'));
    const path = join(dir, 'kb.db');
    const store = createSqliteStore({ path });
    return {
      store,
      async exec(statement) {
        const side = new Database(path);
        try {
          side.pragma('busy_timeout = 5000');
          side.exec(statement);
        } finally {
          side.close();
        }
      },
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

const pgReason = await postgresUnavailable();
describeWithService('PostgreSQL', pgReason)('Passage search contract: PostgreSQL', () => {
  passageContract(async () => {
    const db = await createTestDatabase();
    const store = createPgStore({ url: db.url });
    return {
      store,
      async exec(statement) {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      },
      async close() {
        await store.close();
        await db.drop();
      },
    };
  });
});
