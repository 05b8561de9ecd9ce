/**
 * `npm run bench:scale`: Frontdesk on a deployment's worth of history. Seeds a throwaway database
 * (scale-seed.ts; default 100,000 conversations / 1,000,000 messages, `--small` 10,000 / 100,000,
 * or `--conversations N --messages N`), then, in-process through `app.request`:
 *   1. every staff read endpoint, p50/p99 (inbox and its filters, search, the console's inbox
 *      with its counts, one conversation, tickets, analytics over 30 and 90 days);
 *   2. the message path (32 in flight) on the big database against an empty one;
 *   3. customer latency at 50 messages/s, alone and while one staff client repeats the 90-day
 *      analytics and a search back to back.
 * SQLite always; PostgreSQL as well when FRONTDESK_TEST_PG_URL or DATABASE_URL names a server
 * (a throwaway database is created there and dropped afterwards); `--store sqlite|postgres` picks
 * one. On PostgreSQL the message path also counts the statements sent per message.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import pg from 'pg';
import { join } from 'node:path';
import { loadConfig } from '../../config/env.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createFrontdesk } from '../../src/entry/node.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { MODEL_CACHE_DIR } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { BENCH_MESSAGES } from './messages.ts';
import { seedPostgres, seedSqlite, type SeedSize } from './scale-seed.ts';

const DAY = 86_400_000;
const args = process.argv.slice(2);
const argOf = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : undefined;
};
const small = args.includes('--small');
/** `--store sqlite` or `--store postgres` measures one of them only. */
const only = args.includes('--store') ? args[args.indexOf('--store') + 1] : undefined;
const SIZE: SeedSize = {
  conversations: argOf('conversations') ?? Number(process.env.SCALE_CONVERSATIONS ?? (small ? 10_000 : 100_000)),
  messages: argOf('messages') ?? Number(process.env.SCALE_MESSAGES ?? (small ? 100_000 : 1_000_000)),
};
/** Samples per staff endpoint (fewer when an endpoint is slow: at most READ_BUDGET_MS each). */
const READ_SAMPLES = 40;
const READ_BUDGET_MS = 8_000;
const PATH_MESSAGES = 1_000;
const IN_FLIGHT = 32;
const CUSTOMER_RATE = 50;
const CUSTOMER_SECONDS = small ? 8 : 12;
const TARGET_READ_P99_MS = 50;
const pgUrl = process.env.FRONTDESK_TEST_PG_URL ?? process.env.DATABASE_URL;

// Every statement sent to PostgreSQL (pools and the notify bus go through Client#query).
let pgQueries = 0;
const clientQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  pgQueries += 1;
  return (clientQuery as (...a: unknown[]) => unknown).apply(this, args);
} as typeof clientQuery;
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${availableParallelism()} cores`;

type Frontdesk = Awaited<ReturnType<typeof createFrontdesk>>;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
const stats = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: sorted.length };
};
const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1)).padStart(7);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function open(config: Record<string, string>, store: ReturnType<typeof createSqliteStore>): Promise<{ fd: Frontdesk; staff: string }> {
  const fd = await createFrontdesk({ config: loadConfig({ LOG_LEVEL: 'silent', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0', ...config }), logger: createLogger('silent'), modelCacheDir: MODEL_CACHE_DIR, store });
  const { token } = await createApiToken(fd.store, { now: () => Date.now() }, { name: 'bench' });
  return { fd, staff: token };
}

const post = (fd: Frontdesk, path: string, body: unknown, token?: string) =>
  fd.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

async function customers(fd: Frontdesk, n: number) {
  const list: { id: string; token: string }[] = [];
  for (let i = 0; i < n; i++) {
    const started = await post(fd, '/v1/conversations', { email: `bench${i}@example.com` });
    if (started.status !== 201) throw new Error(`starting a conversation answered ${started.status}: ${await started.text()}`);
    const res = (await started.json()) as { conversation: { id: string }; visitorToken: string };
    list.push({ id: res.conversation.id, token: res.visitorToken });
  }
  return list;
}

function sender(fd: Frontdesk, list: { id: string; token: string }[]) {
  let sent = 0;
  return async () => {
    const conversation = list[sent % list.length]!;
    const text = BENCH_MESSAGES[sent % BENCH_MESSAGES.length]!;
    sent += 1;
    const started = performance.now();
    const res = await post(fd, `/v1/conversations/${conversation.id}/messages?wait=1`, { text }, conversation.token);
    if (res.status !== 200) throw new Error(`message answered ${res.status}: ${await res.text()}`);
    return performance.now() - started;
  };
}

/** Messages per second with IN_FLIGHT in flight, after a warm-up. */
async function messagePath(fd: Frontdesk) {
  const send = sender(fd, await customers(fd, 200));
  const run = async (n: number) => {
    let left = n;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (left-- > 0) await send();
    }));
  };
  await run(PATH_MESSAGES / 4);
  const queriesBefore = pgQueries;
  const started = performance.now();
  await run(PATH_MESSAGES);
  return { rate: (PATH_MESSAGES / (performance.now() - started)) * 1000, queries: (pgQueries - queriesBefore) / PATH_MESSAGES };
}

async function staffGet(fd: Frontdesk, token: string, path: string) {
  const started = performance.now();
  const res = await fd.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

async function staffReads(fd: Frontdesk, token: string) {
  const now = Date.now();
  const some = (await (await fd.app.request('/v1/conversations?status=resolved&limit=1', { headers: { authorization: `Bearer ${token}` } })).json()) as { conversations: { id: string }[] };
  const endpoints: [string, string][] = [
    ['inbox (newest 50)', '/v1/conversations'],
    ['inbox status=open', '/v1/conversations?status=open'],
    ['inbox status=resolved', '/v1/conversations?status=resolved'],
    ['inbox channel=sms', '/v1/conversations?channel=sms'],
    ['inbox owner=human status=open', '/v1/conversations?owner=human&status=open'],
    ['inbox page 2 (before=)', `/v1/conversations?status=resolved&before=${some.conversations[0]!.id}`],
    ['search "refund" (common)', '/v1/conversations?search=refund'],
    ['search "warranty"', '/v1/conversations?search=warranty'],
    ['search "zebra" (no match)', '/v1/conversations?search=zebra'],
    ['console inbox (rows, counts)', '/v1/inbox'],
    ['console inbox search "refund"', '/v1/inbox?search=refund'],
    ['conversation view', `/v1/conversations/${some.conversations[0]!.id}`],
    ['tickets', '/v1/tickets'],
    ['tickets status=open', '/v1/tickets?status=open'],
    ['analytics 30 days', `/v1/analytics?until=${now}`],
    ['analytics 90 days', `/v1/analytics?since=${now - 90 * DAY}&until=${now}`],
  ];
  const results: { name: string; p50: number; p99: number; n: number }[] = [];
  for (const [name, path] of endpoints) {
    await staffGet(fd, token, path); // warm-up: statement caches, the planner
    const samples: number[] = [];
    const started = performance.now();
    while (samples.length < READ_SAMPLES && (samples.length < 5 || performance.now() - started < READ_BUDGET_MS)) samples.push(await staffGet(fd, token, path));
    results.push({ name, ...stats(samples) });
  }
  return results;
}

/** Customer latency at CUSTOMER_RATE messages/s (open loop), optionally with a staff client hammering. */
async function customerLatency(fd: Frontdesk, list: { id: string; token: string }[], hammer?: { token: string }) {
  const send = sender(fd, list);
  const now = Date.now();
  let stop = false;
  let staffRequests = 0;
  const staff = hammer
    ? (async () => {
        const paths = [`/v1/analytics?since=${now - 90 * DAY}&until=${now}`, '/v1/conversations?search=refund'];
        while (!stop) {
          await staffGet(fd, hammer.token, paths[staffRequests % paths.length]!);
          staffRequests += 1;
        }
      })()
    : Promise.resolve();
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = CUSTOMER_RATE * CUSTOMER_SECONDS;
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / CUSTOMER_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Latency counts from when the message was due, so a stalled event loop shows in it.
    pending.push(send().then(() => void latencies.push(performance.now() - due)));
  }
  await Promise.all(pending);
  const elapsed = performance.now() - started;
  stop = true;
  await staff;
  return { ...stats(latencies), rate: (total / elapsed) * 1000, staffRequests };
}

interface Target {
  name: string;
  /** Opens a store on a fresh empty database; `seeded` opens the big one. */
  empty(): Promise<{ config: Record<string, string>; store: ReturnType<typeof createSqliteStore>; drop(): Promise<void> }>;
  seed(): Promise<{ config: Record<string, string>; store: ReturnType<typeof createSqliteStore>; drop(): Promise<void>; seconds: number; detail: string }>;
}

function sqliteTarget(dir: string): Target {
  let n = 0;
  const fresh = () => {
    const path = join(dir, `frontdesk-${n++}.db`);
    return { path, config: { SQLITE_PATH: path, DATABASE_URL: '' }, store: createSqliteStore({ path }), drop: async () => undefined };
  };
  return {
    name: 'SQLite',
    empty: async () => fresh(),
    async seed() {
      const { path, config } = fresh();
      const migrating = createSqliteStore({ path });
      await migrating.migrate();
      await migrating.close();
      const started = performance.now();
      const counts = await seedSqlite(path, SIZE, Date.now());
      const seconds = (performance.now() - started) / 1000;
      const { size } = await import('node:fs').then((fs) => fs.statSync(path));
      return { config, store: createSqliteStore({ path }), drop: async () => undefined, seconds, detail: `${counts.events} events, ${counts.tickets} tickets, ${(size / 1e6).toFixed(0)} MB` };
    },
  };
}

function pgTarget(): Target {
  const fresh = async () => {
    const db = await createTestDatabase();
    return { url: db.url, config: { DATABASE_URL: db.url }, store: createPgStore({ url: db.url }) as ReturnType<typeof createSqliteStore>, drop: () => db.drop() };
  };
  return {
    name: 'PostgreSQL',
    empty: fresh,
    async seed() {
      const target = await fresh();
      await target.store.migrate();
      const started = performance.now();
      const counts = await seedPostgres(target.url, SIZE, Date.now());
      const seconds = (performance.now() - started) / 1000;
      return { ...target, seconds, detail: `${counts.events} events, ${counts.tickets} tickets` };
    },
  };
}

async function measure(target: Target) {
  out(`\n── ${target.name}: ${SIZE.conversations.toLocaleString('en')} conversations, ${SIZE.messages.toLocaleString('en')} messages ──`);
  out(load());
  const big = await target.seed();
  out(`seeded in ${big.seconds.toFixed(1)} s (${big.detail})`);
  const seeded = await open(big.config, big.store);
  const empty = await target.empty();
  const bare = await open(empty.config, empty.store);
  try {
    const reads = await staffReads(seeded.fd, seeded.staff);
    out(`${'staff read'.padEnd(32)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  samples  ≤ ${TARGET_READ_P99_MS} ms p99`);
    for (const r of reads) out(`${r.name.padEnd(32)} ${ms(r.p50)} ${ms(r.p99)}  ${String(r.n).padStart(7)}  ${r.p99 <= TARGET_READ_P99_MS ? 'yes' : 'NO'}`);

    const emptyPath = await messagePath(bare.fd);
    const bigPath = await messagePath(seeded.fd);
    const queries = target.name === 'PostgreSQL' ? `, ${bigPath.queries.toFixed(1)} PostgreSQL queries per message` : '';
    out(`message path (${IN_FLIGHT} in flight): empty ${emptyPath.rate.toFixed(0)} msg/s, seeded ${bigPath.rate.toFixed(0)} msg/s, ratio seeded/empty ${(bigPath.rate / emptyPath.rate).toFixed(2)}${queries}`);

    const list = await customers(seeded.fd, 50);
    const alone = await customerLatency(seeded.fd, list);
    const hammered = await customerLatency(seeded.fd, list, { token: seeded.staff });
    out(`customers at ${CUSTOMER_RATE} msg/s, ${CUSTOMER_SECONDS} s:`);
    out(`  alone                        p50 ${ms(alone.p50)} ms  p99 ${ms(alone.p99)} ms  ${alone.rate.toFixed(0)} msg/s`);
    out(`  staff client hammering        p50 ${ms(hammered.p50)} ms  p99 ${ms(hammered.p99)} ms  ${hammered.rate.toFixed(0)} msg/s  (${hammered.staffRequests} staff requests)`);
    out(`  ratio p99 hammered/alone: ${(hammered.p99 / alone.p99).toFixed(2)} (target ≤ 2)`);
    out(load());
  } finally {
    await seeded.fd.stop();
    await bare.fd.stop();
    await big.drop();
    await empty.drop();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-scale-'));
try {
  if (only !== 'postgres') await measure(sqliteTarget(dir));
  if (only === 'sqlite') out('\nPostgreSQL: not asked for (--store sqlite)');
  else if (pgUrl) await measure(pgTarget());
  else out('\nPostgreSQL: skipped (set FRONTDESK_TEST_PG_URL or DATABASE_URL to a server where a database may be created)');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
