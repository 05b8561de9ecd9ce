/**
 * The store of Frontdesk on Cloudflare Workers: the SQLite database of one Durable Object
 * (`ctx.storage.sql`), through drizzle's durable-sqlite driver. Its queries are the SQLite
 * store's (../sqlite/dialect.ts, the same migrations, the same FTS5 search); what differs is how
 * a unit of work is made atomic. A Durable Object refuses BEGIN and SAVEPOINT statements, so
 * transactions go through `storage.transaction()`, which commits what its callback wrote or rolls
 * all of it back when the callback throws, and nests (the repository's article writes inside the
 * pipeline's transaction).
 *
 * SQL calls on a Durable Object are synchronous and its input gate stays open across the awaits
 * of an async unit of work, so, as on better-sqlite3, one lock serialises every unit of work:
 * another request's statements never land inside a transaction that is still running.
 */
import { drizzle } from 'drizzle-orm/durable-sqlite';
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';
import type { Repository, Store } from '../../core/ports.ts';
import { createLock } from '../lock.ts';
import { backfillPassages } from '../passages.ts';
import { createRepository, type Db, type Schema } from '../repository.ts';
import * as schema from '../schema/sqlite.ts';
import { sqliteDialect } from '../sqlite/dialect.ts';

/** What the store uses of a Durable Object's `ctx.storage` (SQLite-backed). */
export interface DurableStorage {
  sql: { exec(query: string, ...bindings: unknown[]): unknown };
  transaction<T>(closure: () => Promise<T>): Promise<T>;
  /** drizzle's durable-sqlite driver runs its migrator in it. */
  transactionSync<T>(closure: () => T): T;
}

/** The SQLite migrations (migrations/sqlite) as drizzle's durable-sqlite migrator reads them. */
export interface SqliteMigrations {
  journal: { entries: { idx: number; when: number; tag: string; breakpoints: boolean }[] };
  /** SQL text by `m0000`, `m0001`, … (the journal's idx, four digits). */
  migrations: Record<string, string>;
}

export function createDurableStore(storage: DurableStorage, migrations: SqliteMigrations): Store {
  const db = drizzle(storage as never, { schema, casing: 'snake_case' });
  const dialect = sqliteDialect((_db, work) => storage.transaction(() => work(_db)));
  // The repository is typed against the PostgreSQL schema; the SQLite tables share its property names.
  const repo = createRepository(db as unknown as Db, schema as unknown as Schema, dialect);
  const lock = createLock();

  const guarded = Object.fromEntries(
    Object.entries(repo).map(([name, fn]) => [
      name,
      (...args: unknown[]) => lock.run(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as Repository;

  return {
    dialect: 'sqlite',
    repo: guarded,
    transaction: (work) => lock.run(() => storage.transaction(() => work(repo))),
    async migrate() {
      await lock.run(async () => {
        await migrate(db, migrations);
        await backfillPassages(db as unknown as Db, schema as unknown as Schema);
      });
    },
    async pendingMigrations() {
      return lock.run(async () => {
        // As drizzle's migrators decide: a journal entry newer than the last one recorded is still to apply.
        const cursor = storage.sql.exec("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'") as { toArray(): unknown[] };
        const recorded = cursor.toArray().length > 0 ? ((storage.sql.exec('select max(created_at) as at from __drizzle_migrations') as { one(): { at: number | null } }).one().at ?? null) : null;
        return migrations.journal.entries.filter((e) => recorded === null || e.when > Number(recorded)).length;
      });
    },
    // The object's storage belongs to the runtime: nothing to close.
    async close() {},
  };
}
