/**
 * Driving the web message path (POST …/messages?wait=1) with autocannon: shared by `npm run bench`
 * (run.ts, Node against a bare server) and `npm run bench:worker` (worker.ts, workerd against Node).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { ROOT } from '../support/paths.ts';
import { BENCH_MESSAGES } from './messages.ts';

export const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);

/** Starts a TypeScript entry in its own process (of the checkout at `cwd`); resolves when `ready` (polled) says so. */
export async function startProcess(args: string[], env: Record<string, string>, ready: () => Promise<boolean>, cwd = ROOT): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
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

export const answers = (url: string, init?: RequestInit) => () =>
  fetch(url, init).then(
    (r) => r.status < 500,
    () => false,
  );

export async function json(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ conversation: { id: string }; visitorToken: string }>;
}

export interface Result {
  rps: number;
  /** Requests answered in the run. */
  total: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function drive(base: string, conversations: { id: string; token: string }[], overallRate?: number, connections = CONNECTIONS): Promise<Result> {
  let n = 0;
  const result = await autocannon({
    url: base,
    connections,
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
  return { rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

export const line = (name: string, r: Result) =>
  `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} msg/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   errors ${r.errors + r.non2xx}`;
