/**
 * `npm run bench:sql`: where one message's time goes, in-process. Frontdesk on a fresh SQLite
 * file, 32 messages in flight through `app.request` (no sockets), every SQLite statement timed by
 * its text. Prints the wall time per message, the SQLite share, the WAL pages each message writes
 * and the costliest statements. A profile, not a test: compare figures within one run or machine.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../../config/env.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createFrontdesk } from '../../src/entry/node.ts';
import { MODEL_CACHE_DIR } from '../support/paths.ts';
import { BENCH_MESSAGES } from './messages.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 4000);
const IN_FLIGHT = 32;
const CONVERSATIONS = 200;
const WAL_FRAME_BYTES = 4096 + 24; // a page and its frame header
/** Messages sent with checkpoints off, to count the WAL pages they write. */
const WAL_SAMPLE = 500;

const statements = new Map<string, { calls: number; ms: number }>();
function record(source: string, ms: number) {
  const entry = statements.get(source) ?? { calls: 0, ms: 0 };
  entry.calls += 1;
  entry.ms += ms;
  statements.set(source, entry);
}
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

// Every statement the store prepares (it caches them, so each is wrapped once) and every exec.
const proto = Database.prototype as unknown as Record<string, (...args: never[]) => unknown>;
const prepare = proto.prepare!;
let connection: Database.Database | undefined;
proto.prepare = function (this: unknown, source: string) {
  connection = this as Database.Database;
  const statement = prepare.call(this, source as never) as Record<string, (...args: never[]) => unknown>;
  const label = source.replace(/\s+/g, ' ').slice(0, 100);
  for (const method of ['run', 'all', 'get', 'values', 'iterate']) statement[method] = timed(label, statement[method]!);
  return statement;
};
const exec = proto.exec!;
proto.exec = function (this: unknown, source: string) {
  return timed(source, exec).call(this, source as never);
};

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-sql-'));
const file = join(dir, 'frontdesk.db');
const fd = await createFrontdesk({
  config: loadConfig({ SQLITE_PATH: file, LOG_LEVEL: 'silent', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0' }),
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
  statements.clear();
  const started = performance.now();
  await run(MESSAGES);
  const wall = performance.now() - started;
  const perMessage = (ms: number) => `${((ms / MESSAGES) * 1000).toFixed(0).padStart(5)} µs`;
  const rows = [...statements].sort((a, b) => b[1].ms - a[1].ms);
  const sqlMs = rows.reduce((sum, [, s]) => sum + s.ms, 0);
  process.stdout.write(
    `${MESSAGES} messages, ${IN_FLIGHT} in flight: ${(wall / MESSAGES).toFixed(3)} ms per message (${Math.round((MESSAGES / wall) * 1000)} msg/s), ` +
      `SQLite ${(sqlMs / MESSAGES).toFixed(3)} ms of it\n`,
  );
  process.stdout.write('per message  calls  statement\n');
  for (const [source, s] of rows.slice(0, 20)) process.stdout.write(`${perMessage(s.ms)}  ${(s.calls / MESSAGES).toFixed(2).padStart(5)}  ${source}\n`);
  // Checkpoints rewind the WAL, so its growth counts pages only while they are off.
  connection!.pragma('wal_autocheckpoint = 0');
  const walBefore = statSync(`${file}-wal`).size;
  await run(WAL_SAMPLE);
  process.stdout.write(`WAL pages written per message: ${((statSync(`${file}-wal`).size - walBefore) / WAL_FRAME_BYTES / WAL_SAMPLE).toFixed(1)}\n`);
} finally {
  await fd.stop();
  rmSync(dir, { recursive: true, force: true });
}
