/**
 * The Store contract (store-contract.ts), run against SQLite and a real PostgreSQL server.
 */
import { describe } from 'vitest';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { storeContract } from './store-contract.ts';

describe('Store contract: SQLite', () => {
  storeContract(async () => {
    const store = createSqliteStore({ path: ':memory:' });
    return { store, close: () => store.close() };
  });
});

const pgReason = await postgresUnavailable();
describeWithService('PostgreSQL', pgReason)('Store contract: PostgreSQL', () => {
  storeContract(async () => {
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

