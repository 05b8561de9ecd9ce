/**
 * The embedded store: one better-sqlite3 connection in WAL mode with foreign keys on.
 * better-sqlite3 is synchronous, so an async unit of work could interleave with another one on
 * the same connection at its awaits; a lock serialises every unit of work (each holds it only for
 * the microseconds its statements take) so transactions stay isolated. Transactions that arrive
 * in the same turn of the event loop share one commit (group-commit.ts).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { packagePath } from '../../../config/package-root.ts';
import type { Repository, Store } from '../../core/ports.ts';
import { WEBHOOK_REPORTED_WRITES } from '../../core/webhook-events.ts';
import { createLock } from '../lock.ts';
import { createRepository, type Db, type Schema } from '../repository.ts';
import * as schema from '../schema/sqlite.ts';
import { createGroupCommit } from './group-commit.ts';
import { cacheStatements, savepointAtomically, sqliteDialect } from './dialect.ts';
import { createOffThreadReader, goesOffThread, OFF_THREAD_READS, type OffThreadRead, type OffThreadReader } from './reader.ts';
import { backfillPassages } from '../passages.ts';
import { pendingMigrations } from '../migrations.ts';

const MIGRATIONS = packagePath('migrations', 'sqlite');

const dialect = sqliteDialect(savepointAtomically);

export interface SqliteStoreOptions {
  /** File path, or ':memory:'. */
  path: string;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  if (options.path !== ':memory:') mkdirSync(dirname(resolve(options.path)), { recursive: true });
  const sqlite = new Database(options.path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL'); // durable across process crashes in WAL mode
  sqlite.pragma('busy_timeout = 5000'); // other processes (the CLI) may hold the write lock briefly
  cacheStatements(sqlite);
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  // The repository is typed against the PostgreSQL schema; the SQLite tables share its property names.
  const repo = createRepository(db as unknown as Db, schema as unknown as Schema, dialect);
  const lock = createLock();

  // Started by the first read that goes off the thread (stores that never serve staff, such as the
  // CLI's, never start one), and again should its thread die.
  let reader: OffThreadReader | undefined;
  const offThread = options.path !== ':memory:';
  const readerThread = () => (reader?.alive ? reader : (reader = createOffThreadReader(options.path)));
  const guarded = Object.fromEntries(
    Object.entries(repo).map(([name, fn]) => {
      const inPlace = (...args: unknown[]) => lock.run(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args));
      if (!offThread || !(OFF_THREAD_READS as readonly string[]).includes(name)) return [name, inPlace];
      const method = name as OffThreadRead;
      return [name, (...args: unknown[]) => (goesOffThread(method, args) ? readerThread().run(method, args) : inPlace(...args))];
    }),
  ) as unknown as Repository;

  const transaction = createGroupCommit(sqlite, lock, repo);
  // The writes made outside a transaction when no webhook subscriber would be told of them (see
  // withWebhookEvents), the message path's among them, join the group commit as a unit of work
  // would: a commit of their own would write their WAL pages again for every message.
  const grouped = Object.fromEntries(
    WEBHOOK_REPORTED_WRITES.map((name) => [name, (...args: unknown[]) => transaction((tx) => (tx[name] as (...a: unknown[]) => Promise<unknown>)(...args))]),
  ) as Partial<Repository>;

  return {
    dialect: 'sqlite',
    repo: { ...guarded, ...grouped },
    transaction,
    async migrate() {
      await lock.run(async () => {
        migrate(db, { migrationsFolder: MIGRATIONS });
        await backfillPassages(db as unknown as Db, schema as unknown as Schema);
        // Statistics for the planner on tables that have none yet or changed much (new indexes on
        // an existing database): cheap when there is nothing to do.
        sqlite.pragma('optimize=0x10002');
      });
    },
    async pendingMigrations() {
      return lock.run(async () => {
        const table = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
        const last = table ? (sqlite.prepare('select max(created_at) as at from __drizzle_migrations').get() as { at: number | null }).at : null;
        return pendingMigrations(MIGRATIONS, last === null ? null : Number(last));
      });
    },
    async close() {
      await reader?.close();
      await lock.run(async () => {
        sqlite.pragma('optimize'); // what this session's queries showed the planner could use
        sqlite.close();
      });
    },
  };
}
