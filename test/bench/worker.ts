/**
 * `npm run bench:worker`: the web message path (POST …/messages?wait=1) in local workerd (the
 * Workers build, one Durable Object) against `frontdesk serve` on Node with SQLite, measured in
 * the same run on the same machine with the same load; reported as the ratio workerd / Node.
 * Rate limits are off on both: they would measure themselves. Run `npm run build:worker` first.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { startLocalWorker, type LocalWorker } from '../support/wrangler.ts';
import { answers, CONNECTIONS, CONVERSATIONS, drive, DURATION_S, json, line, startProcess } from './message-path.ts';

const NO_LIMITS = { RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0', LOG_LEVEL: 'warn' };

async function conversationsOn(base: string) {
  const conversations: { id: string; token: string }[] = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const started = await json(`${base}/v1/conversations`, { email: `bench${i}@example.com` });
    conversations.push({ id: started.conversation.id, token: started.visitorToken });
  }
  return conversations;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-bench-worker-'));
  let node: ChildProcess | null = null;
  let worker: LocalWorker | null = null;
  try {
    const port = await freePort();
    const nodeBase = `http://127.0.0.1:${port}`;
    node = await startProcess(
      ['src/cli/cli.ts', 'serve'],
      { PORT: String(port), HOST: '127.0.0.1', SQLITE_PATH: join(dir, 'frontdesk.db'), DATABASE_URL: '', ...NO_LIMITS },
      answers(`${nodeBase}/healthz`),
    );
    worker = await startLocalWorker(join(dir, 'worker'), 'wrangler.toml', NO_LIMITS);
    const onNode = await conversationsOn(nodeBase);
    const onWorker = await conversationsOn(worker.url);
    process.stdout.write(`Benchmark: ${CONNECTIONS} connections, ${DURATION_S} s per run, ${CONVERSATIONS} conversations\n`);
    await drive(nodeBase, onNode); // warm-up (JIT, caches)
    const nodeResult = await drive(nodeBase, onNode);
    process.stdout.write(`${line('node: frontdesk serve (SQLite)', nodeResult)}\n`);
    await drive(worker.url, onWorker);
    const workerResult = await drive(worker.url, onWorker);
    process.stdout.write(`${line('workerd: wrangler dev --local (DO)', workerResult)}\n`);
    process.stdout.write(`ratio (workerd / node throughput): ${(workerResult.rps / nodeResult.rps).toFixed(2)}\n`);
  } finally {
    node?.kill('SIGTERM');
    await worker?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
