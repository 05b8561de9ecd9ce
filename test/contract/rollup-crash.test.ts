/**
 * Daily rollups (of the events, and those analytics keep by triggers) stay equal to the rows they sum across a crash: a process writing events is
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

type Query = <T>(sql: string) => Promise<T[]>;
/** SQL both dialects run: counts as integers (PostgreSQL's bigint would come back as text). */
const DIRECT = {
  events: "select type, cast(count(*) as integer) as n, cast(coalesce(sum(value), 0) as double precision) as total from events where channel = 'web' group by type",
  conversations: `select cast(created_at / ${DAY} * ${DAY} as double precision) as day, cast(count(*) as integer) as n from conversations where channel = 'web' group by 1 order by 1`,
  handled: "select author_id as user_id, cast(count(distinct conversation_id) as integer) as n from messages where author_kind = 'human' and direction = 'outbound' group by 1",
  resolved: "select c.assignee_id as user_id, cast(count(*) as integer) as n from events e join conversations c on c.id = e.conversation_id where e.type = 'resolved' and e.actor = 'human' group by 1",
};

/** The rollups (whole days, through the store) against the rows they sum, counted directly. */
async function expectRollupsMatch(store: Store, query: Query) {
  const day0 = Math.floor(NOW / DAY) * DAY;
  const rows = await store.repo.aggregateEvents(day0, day0 + 2 * DAY - 1, 'web');
  const direct = await query<{ type: string; n: number; total: number }>(DIRECT.events);
  expect(direct.find((r) => r.type === 'first_response')!.n).toBeGreaterThanOrEqual(COMMITS_BEFORE_KILL * 3);
  for (const { type, n, total } of direct) {
    const rolled = rows.find((r) => r.type === type)!;
    expect(rolled.count).toBe(n);
    if (type === 'first_response') expect(rolled.avgValue! * rolled.count).toBeCloseTo(total);
  }
  expect(rows.length).toBe(direct.length);
  // The rollups kept by triggers: conversations per day, agents' conversations and resolutions.
  const daily = await store.repo.dailyVolume(day0, day0 + 2 * DAY - 1, 'web');
  const conversations = await query<{ day: number; n: number }>(DIRECT.conversations);
  expect(daily).toEqual(conversations.map(({ day, n }) => ({ day: new Date(Number(day)).toISOString().slice(0, 10), channel: 'web', count: n })));
  const activity = await store.repo.agentActivity(day0, day0 + 2 * DAY - 1, 'web');
  const [handled, resolved] = [await query<{ user_id: string; n: number }>(DIRECT.handled), await query<{ user_id: string; n: number }>(DIRECT.resolved)];
  expect(handled[0]!.n).toBeGreaterThanOrEqual(COMMITS_BEFORE_KILL);
  expect(activity.handled).toEqual(handled.map((r) => ({ userId: r.user_id, count: r.n })));
  expect(activity.resolved).toEqual(resolved.map((r) => ({ userId: r.user_id, count: r.n })));
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
      await expectRollupsMatch(store, async <T>(sql: string) => {
        const sqlite = new Database(path, { readonly: true });
        try {
          return sqlite.prepare(sql).all() as T[];
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
      await expectRollupsMatch(store, async <T>(sql: string) => {
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          return (await client.query(sql)).rows as T[];
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
