/**
 * One suite run against both stores: an in-memory SQLite store, and a throwaway database on a real
 * PostgreSQL server (skipped, and said so, without one; a failure in CI).
 */
import { describe } from 'vitest';
import type { Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestDatabase, postgresUnavailable } from './postgres.ts';
import { describeWithService } from './services.ts';

/** Opens a fresh store for a suite; `close` also drops what it made. */
export type OpenStore = () => Promise<{ store: Store; close(): Promise<void> }>;

const pgReason = await postgresUnavailable();

/** Registers `suite` as "`title`: SQLite" and "`title`: PostgreSQL". */
export function onBothStores(title: string, suite: (open: OpenStore) => void) {
  describe(`${title}: SQLite`, () => {
    suite(async () => {
      const store = createSqliteStore({ path: ':memory:' });
      return { store, close: () => store.close() };
    });
  });
  describeWithService('PostgreSQL', pgReason)(`${title}: PostgreSQL`, () => {
    suite(async () => {
      const db = await createTestDatabase();
      const store = createPgStore({ url: db.url });
      return {
        store,
        async close() {
          await store.close();
          await db.drop();
        },
      };
    });
  });
}
