/**
 * `npm run bench:replicas`: the message path (POST …/messages?wait=1 over HTTP, autocannon) on
 * SQLite, on PostgreSQL with one replica, and with two replicas (two `frontdesk serve` processes)
 * on one throwaway PostgreSQL database, in the same run. Two replicas share the load: each gets
 * half the connections and the conversations, both driven at once; their throughputs add up.
 * PostgreSQL is the server FRONTDESK_TEST_PG_URL names (default: the local one). `--root DIR`
 * serves another checkout (a baseline, e.g. main's worktree) with this driver. On a small machine
 * the replicas, PostgreSQL and the load generator share its cores: read the ratios with the load
 * average printed beside them, and with the CPU each process spent per message (Linux): what
 * one replica already takes of the machine's cores is what a second replica cannot have.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/paths.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startCpuCount, type CpuShare } from './process-cpu.ts';
import { answers, CONNECTIONS, CONVERSATIONS, drive, DURATION_S, json, line, startProcess, type Result } from './message-path.ts';

const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? resolve(process.argv[rootArg + 1]!) : ROOT;
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${availableParallelism()} cores`;
const out = (text: string) => process.stdout.write(`${text}\n`);
type Conversation = { id: string; token: string };
type Replica = { base: string; pid: number };

/** Starts one `frontdesk serve` on `database` (env). */
async function replica(database: Record<string, string>, children: ChildProcess[]): Promise<Replica> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // One load generator is one client address: the rate limits would measure themselves.
  const env = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0', ...database };
  const child = await startProcess(['src/cli/cli.ts', 'serve'], env, answers(`${base}/healthz`), root);
  children.push(child);
  return { base, pid: child.pid! };
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
    total: results.reduce((sum, r) => sum + r.total, 0),
    p50: Math.max(...results.map((r) => r.p50)),
    p99: Math.max(...results.map((r) => r.p99)),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
  };
}

/** CPU ms per message of each process group, and how much of the machine's cores they and everything else used. */
function cpuLine(share: CpuShare, messages: number): string {
  const cores = availableParallelism();
  const perMessage = Object.entries(share.ms).map(([group, ms]) => `${group} ${(ms / messages).toFixed(2)} ms`);
  const ours = Object.values(share.ms).reduce((sum, ms) => sum + ms, 0) / share.wallMs;
  return `  CPU per message: ${perMessage.join(', ')}; these used ${ours.toFixed(2)} of ${cores} cores, the whole machine ${(share.machineBusy * cores).toFixed(2)}`;
}

/** Warm-up run, then the measured one. */
async function measure(name: string, replicas: Replica[], database?: string): Promise<Result> {
  const bases = replicas.map((r) => r.base);
  const conversations = await Promise.all(bases.map((base, i) => conversationsOn(base, Math.round(CONVERSATIONS / bases.length), `${name.replace(/\W/g, '')}${i}-`)));
  await driveAll(bases, conversations);
  const cpu = startCpuCount({ [replicas.length > 1 ? 'replicas' : 'server']: replicas.map((r) => r.pid) }, database);
  const result = await driveAll(bases, conversations);
  const share = cpu?.();
  out(`${line(name, result)}   (${load()})`);
  if (share) out(cpuLine(share, result.total));
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
    const name = new URL(database.url).pathname.slice(1);
    const first = await replica(pg, children);
    const one = await measure('PostgreSQL, one replica', [first], name);
    const two = await measure('PostgreSQL, two replicas', [first, await replica(pg, children)], name);
    out(`PostgreSQL one replica / SQLite: ${(one.rps / sqlite.rps).toFixed(2)}×   two replicas / one: ${(two.rps / one.rps).toFixed(2)}×`);
  } finally {
    await stopAll();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
