/**
 * `npm run bench`: Frontdesk's message path (POST …/messages?wait=1: ingest, triage, specialist,
 * reply, delivery) against a bare hono + better-sqlite3 insert endpoint, measured in the same
 * run on the same machine. Each server runs in its own process; autocannon drives both.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.ts';
import { BENCH_MESSAGES } from './messages.ts';
import { answers, CONNECTIONS, CONVERSATIONS, drive, DURATION_S, json, line, startProcess } from './message-path.ts';

const TARGET_RATE = 1000;

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
