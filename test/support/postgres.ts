/**
 * A throwaway PostgreSQL database per test file on the server named by FRONTDESK_TEST_PG_URL
 * (default: the local server's `postgres` database, trust auth). Unreachable → the suites skip
 * (or fail in CI, see services.ts).
 */
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const ADMIN_URL = process.env.FRONTDESK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Null when PostgreSQL answers; otherwise why it does not. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `cannot connect to ${ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${(error as Error).message}); set FRONTDESK_TEST_PG_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates an empty database; returns its URL and a function that drops it. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void>; terminateConnections(): Promise<number> }> {
  const name = `frontdesk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    /** Ends every session on the database from the server side, as a restart or failover would. */
    async terminateConnections() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      try {
        const result = await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
        return result.rowCount ?? 0;
      } finally {
        await client.end();
      }
    },
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
