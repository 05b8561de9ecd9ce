/**
 * `npm run bench`: Frontdesk's message path (POST …/messages?wait=1: ingest, triage, specialist,
 * reply, delivery) against a bare hono + better-sqlite3 insert endpoint, measured in the same
 * run on the same machine. Each server runs in its own process; autocannon drives both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../support/free-port.ts';
import { ROOT } from '../support/paths.ts';
import { BENCH_MESSAGES } from './messages.ts';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const TARGET_RATE = 1000;

/** Starts a TypeScript entry in its own process; resolves when `ready` (polled) says so. */
async function startProcess(args: string[], env: Record<string, string>, ready: () => Promise<boolean>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? -1));
  const deadline = Date.now() + 120_000;
  while (!(await ready())) {
    if (exited !== null) throw new Error(`${args.join(' ')} exited with ${exited}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not become ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return child;
}

const answers = (url: string, init?: RequestInit) => () =>
  fetch(url, init).then(
    (r) => r.status < 500,
    () => false,
  );

async function json(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ conversation: { id: string }; visitorToken: string }>;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function drive(base: string, conversations: { id: string; token: string }[], overallRate?: number): Promise<Result> {
  let n = 0;
  const result = await autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: DURATION_S,
    ...(overallRate ? { overallRate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const conversation = conversations[n % conversations.length]!;
          const text = BENCH_MESSAGES[n % BENCH_MESSAGES.length]!;
          n += 1;
          return {
            ...request,
            path: `/v1/conversations/${conversation.id}/messages?wait=1`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${conversation.token}` },
            body: JSON.stringify({ text }),
          };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

const line = (name: string, r: Result) =>
  `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} msg/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-'));
  const children: ChildProcess[] = [];
  try {
    const barePort = await freePort();
    const bareBase = `http://127.0.0.1:${barePort}`;
    children.push(await startProcess(['test/bench/bare-server.ts'], { PORT: String(barePort), BARE_DB: join(dir, 'bare.db') }, answers(`${bareBase}/`)));
    const fdPort = await freePort();
    const fdBase = `http://127.0.0.1:${fdPort}`;
    children.push(
      await startProcess(
        ['src/cli/cli.ts', 'serve'],
        // One load generator is one client address: the rate limits would measure themselves.
        { PORT: String(fdPort), HOST: '127.0.0.1', SQLITE_PATH: join(dir, 'frontdesk.db'), LOG_LEVEL: 'warn', DATABASE_URL: '', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0' },
        answers(`${fdBase}/healthz`),
      ),
    );

    const conversations: { id: string; token: string }[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const started = await json(`${fdBase}/v1/conversations`, { email: `bench${i}@example.com` });
      conversations.push({ id: started.conversation.id, token: started.visitorToken });
    }
    const bareConversations = conversations.map((c) => ({ id: c.id, token: 'none' }));

    process.stdout.write(`Benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${CONVERSATIONS} conversations, ${BENCH_MESSAGES.length} message texts\n`);
    await drive(bareBase, bareConversations); // warm-up
    const bare = await drive(bareBase, bareConversations);
    process.stdout.write(`${line('bare hono + better-sqlite3 insert', bare)}\n`);
    await drive(fdBase, conversations); // warm-up (JIT, caches)
    const frontdesk = await drive(fdBase, conversations);
    process.stdout.write(`${line('frontdesk messages?wait=1', frontdesk)}\n`);
    process.stdout.write(`ratio (frontdesk / bare throughput): ${(frontdesk.rps / bare.rps).toFixed(2)}\n`);
    const paced = await drive(fdBase, conversations, TARGET_RATE);
    process.stdout.write(`${line(`frontdesk at ${TARGET_RATE} msg/s offered`, paced)}\n`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
