/**
 * Stores whose database a test can also read from the outside: how many rows each table holds,
 * to prove a refused request wrote nothing. SQLite in a file of a temporary directory (read by a
 * second, read-only connection), PostgreSQL in a throwaway database (read by its own client).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestDatabase } from './postgres.ts';

export interface CountedStore {
  store: Store;
  /** Rows per table, right now. */
  rowCounts(): Promise<Record<string, number>>;
  /** Removes the database; close the store first (Frontdesk's stop closes the store it was given). */
  close(): Promise<void>;
}

export async function openCountedSqlite(): Promise<CountedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-counted-'));
  const path = join(dir, 'frontdesk.db');
  const store = createSqliteStore({ path });
  await store.migrate();
  const reader = new Database(path, { readonly: true });
  return {
    store,
    async rowCounts() {
      const tables = reader.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[];
      return Object.fromEntries(tables.map((name) => [name, reader.prepare(`select count(*) from "${name}"`).pluck().get() as number]));
    },
    async close() {
      reader.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openCountedPostgres(): Promise<CountedStore> {
  const db = await createTestDatabase();
  const store = createPgStore({ url: db.url });
  await store.migrate();
  const reader = new pg.Client({ connectionString: db.url });
  await reader.connect();
  return {
    store,
    async rowCounts() {
      const { rows } = await reader.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'");
      const counts: Record<string, number> = {};
      for (const { name } of rows) counts[name] = Number((await reader.query<{ n: string }>(`select count(*) as n from "${name}"`)).rows[0]!.n);
      return counts;
    },
    async close() {
      await reader.end();
      await db.drop();
    },
  };
}
