/**
 * The SQLite statements of the Repository (DialectQueries), shared by the stores that run on
 * SQLite: better-sqlite3 on Node (index.ts) and a Durable Object's storage on Workers
 * (../durable). Both are drizzle's synchronous SQLite drivers, so the same queries run on either;
 * only how a unit of work is made atomic differs, and each store supplies that.
 */
import type Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { Db, DialectQueries } from '../repository.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { contactsMatching } from './contact-search.ts';
import { conversationsMatching, hitOrder } from './message-search.ts';
import { searchPassages } from './passage-search.ts';
import type { Connection } from './postings-memory.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const sqliteOf = (db: Db) => db as unknown as BaseSQLiteDatabase<'sync', any>;

/**
 * One Connection per database handle, kept: knowledge search holds its in-memory copy of the
 * full-text postings per Connection (postings-memory.ts).
 */
const connections = new WeakMap<Db, Connection>();
function connectionOf(db: Db): Connection {
  let connection = connections.get(db);
  if (!connection) {
    const sqlite = sqliteOf(db);
    connection = { all: (query) => sqlite.all(query), run: (query) => void sqlite.run(query) };
    connections.set(db, connection);
  }
  return connection;
}

export function sqliteDialect(atomically: DialectQueries['atomically']): DialectQueries {
  return {
    reusesQueries: true,
    chainsWrites: false,
    async searchKnowledge(db, terms, limit) {
      return searchKnowledge(connectionOf(db), terms, limit);
    },
    async searchPassages(db, terms, limit) {
      return searchPassages(connectionOf(db), terms, limit);
    },
    atomically,
    lockDueJobs: (query) => query, // one writer at a time already
    lockKey: async () => undefined, // the store's lock and SQLite's write lock serialise every unit of work
    conversationsMatching,
    contactsMatching,
    hitOrder,
    // One statement under SQLite's write lock: no other connection or process can take the same value.
    async nextTicketNumber(db) {
      const row = sqliteOf(db).get<{ value: number }>(sql`update ticket_counter set value = value + 1 where id = 1 returning value`);
      if (!row) throw new Error('ticket_counter has no row: run the migrations (migrations/sqlite/0004_ticket_numbers.sql).');
      return row.value;
    },
  };
}

/**
 * How a unit of work is made atomic on a better-sqlite3 connection: a savepoint opens a
 * transaction of its own outside one; the store's lock keeps other units of work out between its
 * statements.
 */
export const savepointAtomically: DialectQueries['atomically'] = async (db, work) => {
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
};

const STATEMENT_CACHE_SIZE = 500;

/**
 * drizzle prepares every query anew; preparing costs more than running most of ours. The SQL of
 * one query shape is always the same string, so prepared statements are reused by their text
 * (the store's writer connection and the off-thread reader both do).
 */
export function cacheStatements(sqlite: Database.Database) {
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
