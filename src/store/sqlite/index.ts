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
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { packagePath } from '../../../config/package-root.ts';
import type { Repository, Store } from '../../core/ports.ts';
import { createLock } from '../lock.ts';
import { createRepository, type Db, type DialectQueries, type Schema } from '../repository.ts';
import * as schema from '../schema/sqlite.ts';
import { createGroupCommit } from './group-commit.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { searchPassages } from './passage-search.ts';
import { backfillPassages } from '../passages.ts';
import { sql } from 'drizzle-orm';

const MIGRATIONS = packagePath('migrations', 'sqlite');

const sqliteOf = (db: Db) => db as unknown as BetterSQLite3Database<typeof schema>;

const dialect: DialectQueries = {
  reusesQueries: true,
  async searchKnowledge(db, terms, limit) {
    return searchKnowledge((query) => sqliteOf(db).all(query), terms, limit);
  },
  async searchPassages(db, terms, limit) {
    return searchPassages((query) => sqliteOf(db).all(query), terms, limit);
  },
  // A savepoint opens a transaction of its own outside one; the store's lock keeps other units of
  // work out between its statements.
  async atomically(db, work) {
    const sqlite = sqliteOf(db);
    sqlite.run(sql`savepoint atomically`);
    try {
      const result = await work(db);
      sqlite.run(sql`release atomically`);
      return result;
    } catch (error) {
      try {
        sqlite.run(sql`rollback to atomically`);
        sqlite.run(sql`release atomically`);
      } catch {
        // SQLite rolled back the whole transaction itself (disk full, I/O error): nothing to undo.
      }
      throw error;
    }
  },
  lockDueJobs: (query) => query, // one writer at a time already
  lockKey: async () => undefined, // the store's lock and SQLite's write lock serialise every unit of work
  // One statement under SQLite's write lock: no other connection or process can take the same value.
  async nextTicketNumber(db) {
    const row = sqliteOf(db).get<{ value: number }>(sql`update ticket_counter set value = value + 1 where id = 1 returning value`);
    if (!row) throw new Error('ticket_counter has no row: run the migrations (migrations/sqlite/0004_ticket_numbers.sql).');
    return row.value;
  },
};

const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle prepares every query anew; preparing costs more than running most of ours. The SQL of
 * one query shape is always the same string, so prepared statements are reused by their text.
 */
function cacheStatements(sqlite: Database.Database) {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      // drizzle switches statements to raw mode for mapped selects; plain ones expect objects.
      if (statement.reader) statement.raw(false);
      return statement;
    }
    statement = prepare(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

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

  const guarded = Object.fromEntries(
    Object.entries(repo).map(([name, fn]) => [
      name,
      (...args: unknown[]) => lock.run(() => (fn as (...a: unknown[]) => Promise<unknown>)(...args)),
    ]),
  ) as unknown as Repository;

  return {
    dialect: 'sqlite',
    repo: guarded,
    transaction: createGroupCommit(sqlite, lock, repo),
    async migrate() {
      await lock.run(async () => {
        migrate(db, { migrationsFolder: MIGRATIONS });
        await backfillPassages(db as unknown as Db, schema as unknown as Schema);
        // Statistics for the planner on tables that have none yet or changed much (new indexes on
        // an existing database): cheap when there is nothing to do.
        sqlite.pragma('optimize=0x10002');
      });
    },
    async close() {
      await lock.run(async () => {
        sqlite.pragma('optimize'); // what this session's queries showed the planner could use
        sqlite.close();
      });
    },
  };
}
