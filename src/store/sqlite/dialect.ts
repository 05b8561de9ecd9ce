/**
 * The SQLite statements of the Repository (DialectQueries), shared by the stores that run on
 * SQLite: better-sqlite3 on Node (index.ts) and a Durable Object's storage on Workers
 * (../durable). Both are drizzle's synchronous SQLite drivers, so the same queries run on either;
 * only how a unit of work is made atomic differs, and each store supplies that.
 */
import { sql } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { Db, DialectQueries } from '../repository.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { conversationsMatching } from './message-search.ts';
import { searchPassages } from './passage-search.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const sqliteOf = (db: Db) => db as unknown as BaseSQLiteDatabase<'sync', any>;

export function sqliteDialect(atomically: DialectQueries['atomically']): DialectQueries {
  return {
    reusesQueries: true,
    async searchKnowledge(db, terms, limit) {
      return searchKnowledge((query) => sqliteOf(db).all(query), terms, limit);
    },
    async searchPassages(db, terms, limit) {
      return searchPassages((query) => sqliteOf(db).all(query), terms, limit);
    },
    atomically,
    lockDueJobs: (query) => query, // one writer at a time already
    lockKey: async () => undefined, // the store's lock and SQLite's write lock serialise every unit of work
    conversationsMatching,
    // One statement under SQLite's write lock: no other connection or process can take the same value.
    async nextTicketNumber(db) {
      const row = sqliteOf(db).get<{ value: number }>(sql`update ticket_counter set value = value + 1 where id = 1 returning value`);
      if (!row) throw new Error('ticket_counter has no row: run the migrations (migrations/sqlite/0004_ticket_numbers.sql).');
      return row.value;
    },
  };
}
