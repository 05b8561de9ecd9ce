/**
 * The shared store: PostgreSQL through node-postgres, for many replicas on one database.
 * Outbox claims use FOR UPDATE SKIP LOCKED so replicas never take the same job.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Store } from '../../core/ports.ts';
import { createRepository, type Db, type DialectQueries } from '../repository.ts';
import * as schema from '../schema/pg.ts';
import { searchKnowledge } from './knowledge-search.ts';

const MIGRATIONS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../migrations/pg');

const dialect: DialectQueries = {
  reusesQueries: false,
  searchKnowledge,
  lockDueJobs: (query) => query.for('update', { skipLocked: true }),
};

export interface PgStoreOptions {
  url: string;
  /** Pool size per replica. */
  maxConnections?: number;
}

export function createPgStore(options: PgStoreOptions): Store {
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  const db = drizzle({ client: pool, schema, casing: 'snake_case' });
  const repo = createRepository(db as unknown as Db, schema, dialect);
  return {
    dialect: 'postgres',
    repo,
    transaction(work) {
      return db.transaction((tx) => work(createRepository(tx as unknown as Db, schema, dialect)));
    },
    async migrate() {
      await migrate(db, { migrationsFolder: MIGRATIONS });
    },
    async close() {
      await pool.end();
    },
  };
}
