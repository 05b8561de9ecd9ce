/**
 * The shared store: PostgreSQL through node-postgres, for many replicas on one database.
 * Outbox claims use FOR UPDATE SKIP LOCKED so replicas never take the same job.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { packagePath } from '../../../config/package-root.ts';
import type { Logger, Store } from '../../core/ports.ts';
import { createRepository, type Db, type DialectQueries } from '../repository.ts';
import * as schema from '../schema/pg.ts';
import { searchKnowledge } from './knowledge-search.ts';
import { searchPassages } from './passage-search.ts';
import { conversationsMatching, hitOrder } from './message-search.ts';
import { backfillPassages } from '../passages.ts';
import { contactsHoldingPart } from '../part-match.ts';
import { pendingMigrations } from '../migrations.ts';
import { checkConnection } from './connect-errors.ts';
import { createPgTokenTaker } from './rate-limits.ts';
import { sharedRead } from './shared-reads.ts';

const MIGRATIONS = packagePath('migrations', 'pg');

/** A pool's repository keeps its built hot queries; a transaction's, made per transaction, does not. */
const dialect: DialectQueries = {
  reusesQueries: true,
  chainsWrites: true,
  searchKnowledge,
  searchPassages,
  atomically: (db, work) => db.transaction((tx) => work(tx as unknown as Db)),
  lockDueJobs: (query) => query.for('update', { skipLocked: true }),
  // A transaction-scoped advisory lock: replicas finding-or-creating the same thing wait for each other.
  lockKey: async (db, key) => {
    await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  },
  // The tickets.number identity sequence assigns it on insert, without locking other inserts out.
  nextTicketNumber: async () => undefined,
  conversationsMatching,
  hitOrder,
  // Served by the trigram indexes of migrations/pg/0015_search_trigrams.sql.
  contactsMatching: contactsHoldingPart,
};

const inTransaction: DialectQueries = { ...dialect, reusesQueries: false };

export interface PgStoreOptions {
  url: string;
  /** Pool size per replica. */
  maxConnections?: number;
  /** Told when the server drops an idle connection (restart, failover, an administrator). */
  logger?: Pick<Logger, 'warn'>;
}

export function createPgStore(options: PgStoreOptions): Store {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // An idle connection the server closes is an 'error' on the pool, which throws when nobody
  // listens and takes the process down. The pool has already dropped it and connects anew.
  pool.on('error', (error) => options.logger?.warn({ err: error }, 'database dropped an idle connection; the pool opens a new one'));
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  const repo = createRepository(db as unknown as Db, schema, dialect);
  const readerPool = new pg.Pool({ connectionString: options.url, max: 1 });
  readerPool.on('error', (error) => options.logger?.warn({ err: error }, 'database dropped an idle connection; the pool opens a new one'));
  const readerRepo = createRepository(drizzle({ client: readerPool, schema, casing: 'snake_case' }) as unknown as Db, schema, dialect);
  // Read by every message's writes, in a transaction or (see withWebhookEvents) before one alone.
  const activeWebhookSubscriptions = sharedRead(() => readerRepo.activeWebhookSubscriptions());
  return {
    dialect: 'postgres',
    repo: { ...repo, activeWebhookSubscriptions },
    takeToken: createPgTokenTaker(pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    transaction(work) {
      return db.transaction((tx) => work({ ...createRepository(tx as unknown as Db, schema, inTransaction), activeWebhookSubscriptions }));
    },
    async migrate() {
      // The first contact with the server: a wrong DATABASE_URL is named here, not as a failed query.
      await checkConnection(pool, options.url);
      await migrate(db, { migrationsFolder: MIGRATIONS });
      await backfillPassages(db as unknown as Db, schema);
    },
    async pendingMigrations() {
      // to_regclass is null before the first migration created drizzle's bookkeeping table.
      const { rows } = await pool.query<{ exists: string | null }>(`select to_regclass('drizzle.__drizzle_migrations')::text as exists`);
      const last = rows[0]?.exists ? (await pool.query<{ at: string | null }>('select max(created_at)::text as at from drizzle.__drizzle_migrations')).rows[0]?.at : null;
      return pendingMigrations(MIGRATIONS, last == null ? null : Number(last));
    },
    async close() {
      await Promise.all([pool.end(), readerPool.end()]);
    },
  };
}
