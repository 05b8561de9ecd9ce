/**
 * Daily rollups stay equal to the events they sum across a crash: a process writing events is
 * killed (SIGKILL) mid-stream, the store is opened again (SQLite replays its WAL, PostgreSQL has
 * rolled back the open transaction), and the rollups still count exactly the events that exist.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { ROOT } from '../support/paths.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';

const NOW = Date.UTC(2026, 10, 24, 12);
const DAY = 86_400_000;
const COMMITS_BEFORE_KILL = 40;

/** Runs the event writer until it has committed COMMITS_BEFORE_KILL transactions, then kills it. */
async function writeAndKill(dialect: 'sqlite' | 'postgres', location: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/contract/support/event-writer.ts', dialect, location], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`committed ${COMMITS_BEFORE_KILL}\n`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code} before ${COMMITS_BEFORE_KILL} commits`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

/** The rollups (whole days, through the store) against the events counted directly. */
async function expectRollupsMatch(store: Store, countEvents: () => Promise<{ type: string; n: number; total: number }[]>) {
  const day0 = Math.floor(NOW / DAY) * DAY;
  const rows = await store.repo.aggregateEvents(day0, day0 + 2 * DAY - 1, 'web');
  const direct = await countEvents();
  expect(direct.find((r) => r.type === 'first_response')!.n).toBeGreaterThanOrEqual(COMMITS_BEFORE_KILL * 3);
  for (const { type, n, total } of direct) {
    const rolled = rows.find((r) => r.type === type)!;
    expect(rolled.count).toBe(n);
    if (type === 'first_response') expect(rolled.avgValue! * rolled.count).toBeCloseTo(total);
  }
  expect(rows.length).toBe(direct.length);
}

describe('Rollups across a crash: SQLite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-rollup-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts exactly the events that survived the kill', async () => {
    const path = join(dir, 'frontdesk.db');
    const first = createSqliteStore({ path });
    await first.migrate();
    await first.close();
    await writeAndKill('sqlite', path);
    const store = createSqliteStore({ path });
    await store.migrate();
    try {
      await expectRollupsMatch(store, async () => {
        const sqlite = new Database(path, { readonly: true });
        try {
          return sqlite.prepare("select type, count(*) as n, coalesce(sum(value), 0) as total from events where channel = 'web' group by type").all() as { type: string; n: number; total: number }[];
        } finally {
          sqlite.close();
        }
      });
    } finally {
      await store.close();
    }
  });
});

const pgReason = await postgresUnavailable();
describeWithService('PostgreSQL', pgReason)('Rollups across a crash: PostgreSQL', () => {
  it('counts exactly the events that survived the kill', async () => {
    const db = await createTestDatabase();
    const store = createPgStore({ url: db.url });
    try {
      await store.migrate();
      await writeAndKill('postgres', db.url);
      await expectRollupsMatch(store, async () => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const result = await client.query("select type, count(*)::int as n, coalesce(sum(value), 0)::float as total from events where channel = 'web' group by type");
          return result.rows as { type: string; n: number; total: number }[];
        } finally {
          await client.end();
        }
      });
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
