/**
 * /livez and /readyz on a whole Frontdesk: ready only once the database answers, has every
 * migration and the channels are started; 503 naming each failing check otherwise. The
 * migration count is also checked on PostgreSQL.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagePath } from '../../config/package-root.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const migrationCount = (dialect: 'sqlite' | 'pg') => readdirSync(packagePath('migrations', dialect)).filter((f) => f.endsWith('.sql')).length;

async function readyz(app: { request(path: string): Response | Promise<Response> }) {
  const res = await app.request('/readyz');
  return { status: res.status, body: (await res.json()) as { ready?: true; checks?: Record<string, string>; error?: { code: string; message: string; details: { checks: Record<string, string> } } } };
}

describe('/livez and /readyz', () => {
  it('is ready once started, and names what is wrong before start, with a migration missing, or with the database gone', async () => {
    const path = join(dir, 'frontdesk.db');
    const fd = await createTestFrontdesk({ env: { SQLITE_PATH: path } });
    try {
      expect((await fd.app.request('/livez')).status).toBe(200);

      // Built but not started: alive, not ready.
      let ready = await readyz(fd.app);
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatchObject({ code: 'not_ready', message: 'Not ready: channels (not started).', details: { checks: { database: 'ok', migrations: 'ok', channels: 'not started' } } });

      await fd.start(60_000);
      ready = await readyz(fd.app);
      expect(ready).toEqual({ status: 200, body: { ready: true, checks: { database: 'ok', migrations: 'ok', channels: 'ok' } } });

      // A database restored from before the newest migration: not ready until `frontdesk migrate`.
      const sqlite = new Database(path);
      const newest = sqlite.prepare('select hash, created_at from __drizzle_migrations order by created_at desc limit 1').get() as { hash: string; created_at: number };
      sqlite.prepare('delete from __drizzle_migrations where created_at = ?').run(newest.created_at);
      ready = await readyz(fd.app);
      expect(ready.status).toBe(503);
      expect(ready.body.error!.details.checks).toEqual({ database: 'ok', migrations: '1 pending; run frontdesk migrate', channels: 'ok' });
      sqlite.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run(newest.hash, newest.created_at);
      sqlite.close();
      expect((await readyz(fd.app)).status).toBe(200);

      // The database gone: not ready, and still alive.
      await fd.store.close();
      ready = await readyz(fd.app);
      expect(ready.status).toBe(503);
      expect(ready.body.error!.details.checks.database).toBe('failed');
      expect((await fd.app.request('/livez')).status).toBe(200);
    } finally {
      await fd.stop().catch(() => undefined);
    }
  });

  it('is not ready after stop: the channels are stopped', async () => {
    const fd = await createTestFrontdesk();
    await fd.start(60_000);
    expect((await readyz(fd.app)).status).toBe(200);
    const app = fd.app;
    await fd.stop();
    // stop() closes the store too: both reasons are named.
    const ready = await readyz(app);
    expect(ready.status).toBe(503);
    expect(ready.body.error!.details.checks).toMatchObject({ database: 'failed', channels: 'not started' });
  });
});

describeWithService('PostgreSQL', await postgresUnavailable())('pending migrations on PostgreSQL', () => {
  it('counts every migration before the first, none after migrate, and the one a database lacks', async () => {
    const db = await createTestDatabase();
    const store = createPgStore({ url: db.url });
    try {
      expect(await store.pendingMigrations()).toBe(migrationCount('pg'));
      await store.migrate();
      expect(await store.pendingMigrations()).toBe(0);
      const pg = await import('pg');
      const client = new pg.default.Client({ connectionString: db.url });
      await client.connect();
      await client.query('delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)');
      await client.end();
      expect(await store.pendingMigrations()).toBe(1);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('pending migrations on SQLite', () => {
  it('counts every migration on an empty database', async () => {
    const { createSqliteStore } = await import('../../src/store/sqlite/index.ts');
    const store = createSqliteStore({ path: ':memory:' });
    expect(await store.pendingMigrations()).toBe(migrationCount('sqlite'));
    await store.migrate();
    expect(await store.pendingMigrations()).toBe(0);
    await store.close();
  });
});
