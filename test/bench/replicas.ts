/**
 * `npm run bench:replicas`: the message path (POST …/messages?wait=1 over HTTP, autocannon) on
 * SQLite, on PostgreSQL with one replica, and with two replicas (two `frontdesk serve` processes)
 * on one throwaway PostgreSQL database, in the same run. Two replicas share the load: each gets
 * half the connections and the conversations, both driven at once; their throughputs add up.
 * PostgreSQL is the server FRONTDESK_TEST_PG_URL names (default: the local one). `--root DIR`
 * serves another checkout (a baseline, e.g. main's worktree) with this driver. On a small machine
 * the replicas, PostgreSQL and the load generator share its cores: read the ratios with the load
 * average printed beside them.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { answers, CONNECTIONS, CONVERSATIONS, drive, DURATION_S, json, line, startProcess, type Result } from './message-path.ts';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : ROOT;
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${availableParallelism()} cores`;
const out = (text: string) => process.stdout.write(`${text}\n`);
type Conversation = { id: string; token: string };

/** Starts one `frontdesk serve` on `database` (env); resolves with its base URL. */
async function replica(database: Record<string, string>, children: ChildProcess[]): Promise<string> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // One load generator is one client address: the rate limits would measure themselves.
  const env = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0', ...database };
  children.push(await startProcess(['src/cli/cli.ts', 'serve'], env, answers(`${base}/healthz`), root));
  return base;
}

async function conversationsOn(base: string, n: number, prefix: string): Promise<Conversation[]> {
  const list: Conversation[] = [];
  for (let i = 0; i < n; i++) {
    const started = await json(`${base}/v1/conversations`, { email: `${prefix}${i}@example.com` });
    list.push({ id: started.conversation.id, token: started.visitorToken });
  }
  return list;
}

/** Every replica driven at once with its share of the connections; throughputs summed, the worst p99 kept. */
async function driveAll(bases: string[], conversations: Conversation[][]): Promise<Result> {
  const results = await Promise.all(bases.map((base, i) => drive(base, conversations[i]!, undefined, Math.round(CONNECTIONS / bases.length))));
  return {
    rps: results.reduce((sum, r) => sum + r.rps, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

/** Warm-up run, then the measured one. */
async function measure(name: string, bases: string[]): Promise<Result> {
  const conversations = await Promise.all(bases.map((base, i) => conversationsOn(base, Math.round(CONVERSATIONS / bases.length), `${name.replace(/\W/g, '')}${i}-`)));
  await driveAll(bases, conversations);
  const result = await driveAll(bases, conversations);
  out(`${line(name, result)}   (${load()})`);
  return result;
}

async function main() {
  out(`Message path over HTTP: ${CONNECTIONS} connections in all, ${DURATION_S} s per run, serving ${root}`);
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-replicas-'));
  const database = await createTestDatabase();
  const children: ChildProcess[] = [];
  // Waits for the replicas to exit: dropping the database ends the sessions of any still running.
  const stopAll = () =>
    Promise.all(children.splice(0).map((child) => new Promise((exited) => (child.exitCode !== null ? exited(null) : (child.once('exit', exited), child.kill('SIGTERM'))))));
  try {
    const sqlite = await measure('SQLite, one process', [await replica({ SQLITE_PATH: join(dir, 'frontdesk.db'), DATABASE_URL: '' }, children)]);
    await stopAll();
    const pg = { DATABASE_URL: database.url };
    const first = await replica(pg, children);
    const one = await measure('PostgreSQL, one replica', [first]);
    const two = await measure('PostgreSQL, two replicas', [first, await replica(pg, children)]);
    out(`PostgreSQL one replica / SQLite: ${(one.rps / sqlite.rps).toFixed(2)}×   two replicas / one: ${(two.rps / one.rps).toFixed(2)}×`);
  } finally {
    await stopAll();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
