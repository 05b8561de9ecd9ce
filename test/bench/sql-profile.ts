/**
 * `npm run bench:sql [-- --store postgres]`: where one message's time goes, in-process. Frontdesk
 * on a fresh SQLite file (or, with `--store postgres`, a throwaway database on the server
 * FRONTDESK_TEST_PG_URL names), 32 messages in flight through `app.request` (no sockets), every
 * statement counted and timed by its text. Prints the wall time per message, the database's share,
 * the CPU per message of this process and (PostgreSQL, Linux) of the database's server processes,
 * the statements per message and the costliest statements; on SQLite also the WAL pages each
 * message writes. On PostgreSQL a statement's time is its round trip, waiting for a pooled
 * connection included. A profile, not a test: compare figures within one run or machine.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../../config/env.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createFrontdesk } from '../../src/entry/node.ts';
import { MODEL_CACHE_DIR } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { BENCH_MESSAGES } from './messages.ts';
import { startCpuCount } from './process-cpu.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const IN_FLIGHT = 32;
const CONVERSATIONS = 200;
const WAL_FRAME_BYTES = 4096 + 24; // a page and its frame header
/** Messages sent with checkpoints off, to count the WAL pages they write. */
const WAL_SAMPLE = 500;
const postgres = process.argv.includes('--store') && process.argv[process.argv.indexOf('--store') + 1] === 'postgres';

const statements = new Map<string, { calls: number; ms: number }>();
function record(source: string, ms: number) {
  const entry = statements.get(source) ?? { calls: 0, ms: 0 };
  entry.calls += 1;
  entry.ms += ms;
  statements.set(source, entry);
}
const label = (source: string) => source.replace(/\s+/g, ' ').slice(0, 100);
function timed<T extends (...args: never[]) => unknown>(source: string, fn: T): T {
  return function (this: unknown, ...args: Parameters<T>) {
    const started = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      record(source, performance.now() - started);
    }
  } as T;
}

/** Every SQLite statement the store prepares (it caches them, so each is wrapped once) and every exec. */
function profileSqlite(): () => Database.Database {
  const proto = Database.prototype as unknown as Record<string, (...args: never[]) => unknown>;
  const prepare = proto.prepare!;
  let connection: Database.Database | undefined;
  proto.prepare = function (this: unknown, source: string) {
    connection = this as Database.Database;
    const statement = prepare.call(this, source as never) as Record<string, (...args: never[]) => unknown>;
    for (const method of ['run', 'all', 'get', 'values', 'iterate']) statement[method] = timed(label(source), statement[method]!);
    return statement;
  };
  const exec = proto.exec!;
  proto.exec = function (this: unknown, source: string) {
    return timed(label(source), exec).call(this, source as never);
  };
  return () => connection!;
}

/**
 * Every PostgreSQL statement: pools and the notify bus all go through Client#query, transactions
 * awaiting its promise, Pool#query passing a callback (timed when it is called).
 */
function profilePostgres() {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const config = args[0] as string | { text: string };
    const source = label(typeof config === 'string' ? config : config.text);
    const started = performance.now();
    const done = () => record(source, performance.now() - started);
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = function (this: unknown, ...results: unknown[]) {
        done();
        return (callback as (...r: unknown[]) => unknown).apply(this, results);
      };
      return query.apply(this, args);
    }
    const result = query.apply(this, args);
    if (result instanceof Promise) void result.then(done, done);
    else record(source, 0);
    return result;
  } as typeof pg.Client.prototype.query;
}

const connection = postgres ? (profilePostgres(), null) : profileSqlite();
const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-sql-'));
const file = join(dir, 'frontdesk.db');
const database = postgres ? await createTestDatabase() : null;
const fd = await createFrontdesk({
  config: loadConfig({
    ...(database ? { DATABASE_URL: database.url } : { SQLITE_PATH: file }),
    LOG_LEVEL: 'silent',
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '0',
  }),
  logger: createLogger('silent'),
  modelCacheDir: MODEL_CACHE_DIR,
});
try {
  const post = (path: string, body: unknown, token?: string) =>
    fd.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const conversations: { id: string; token: string }[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const started = (await (await post('/v1/conversations', { email: `bench${i}@example.com` })).json()) as { conversation: { id: string }; visitorToken: string };
    conversations.push({ id: started.conversation.id, token: started.visitorToken });
  }
  let sent = 0;
  const send = async () => {
    const conversation = conversations[sent % conversations.length]!;
    const text = BENCH_MESSAGES[sent % BENCH_MESSAGES.length]!;
    sent += 1;
    const res = await post(`/v1/conversations/${conversation.id}/messages?wait=1`, { text }, conversation.token);
    if (res.status !== 200) throw new Error(`message answered ${res.status}: ${await res.text()}`);
  };
  const run = async (n: number) => {
    let left = n;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (left-- > 0) await send();
    }));
  };

  await run(MESSAGES / 2); // warm-up: JIT, statement cache
  await fd.pipeline.idle();
  statements.clear();
  const started = performance.now();
  const cpu = startCpuCount({}, database ? new URL(database.url).pathname.slice(1) : undefined, 'Frontdesk');
  await run(MESSAGES);
  await fd.pipeline.idle();
  const wall = performance.now() - started;
  const share = cpu?.();
  const perMessage = (ms: number) => `${((ms / MESSAGES) * 1000).toFixed(0).padStart(6)} µs`;
  const rows = [...statements].sort((a, b) => b[1].ms - a[1].ms);
  const sqlMs = rows.reduce((sum, [, s]) => sum + s.ms, 0);
  const calls = rows.reduce((sum, [, s]) => sum + s.calls, 0);
  process.stdout.write(
    `${MESSAGES} messages, ${IN_FLIGHT} in flight: ${(wall / MESSAGES).toFixed(3)} ms per message (${Math.round((MESSAGES / wall) * 1000)} msg/s), ` +
      `${postgres ? 'PostgreSQL round trips' : 'SQLite'} ${(sqlMs / MESSAGES).toFixed(3)} ms of it, ${(calls / MESSAGES).toFixed(1)} statements per message\n`,
  );
  if (share) process.stdout.write(`CPU per message: ${Object.entries(share.ms).map(([group, ms]) => `${group} ${(ms / MESSAGES).toFixed(2)} ms`).join(', ')}\n`);
  process.stdout.write('per message   calls  statement\n');
  for (const [source, s] of rows.slice(0, postgres ? 40 : 20)) process.stdout.write(`${perMessage(s.ms)}  ${(s.calls / MESSAGES).toFixed(2).padStart(5)}  ${source}\n`);
  if (connection) {
    // Checkpoints rewind the WAL, so its growth counts pages only while they are off.
    connection().pragma('wal_autocheckpoint = 0');
    const walBefore = statSync(`${file}-wal`).size;
    await run(WAL_SAMPLE);
    process.stdout.write(`WAL pages written per message: ${((statSync(`${file}-wal`).size - walBefore) / WAL_FRAME_BYTES / WAL_SAMPLE).toFixed(1)}\n`);
  }
} finally {
  await fd.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
}
