/**
 * kill -9 during SMS load: Frontdesk servers run as child processes (SQLite: one; PostgreSQL: two
 * replicas on one database) behind a local Twilio API that accepts each reply and holds its
 * answer back, so a killed process leaves replies Twilio has but the outbox never recorded.
 * Webhooks that fail while a process is down are posted again (Twilio's retry, or the other
 * replica behind the load balancer). After the restart every text must be stored once and
 * answered once: 0 lost, 0 stuck pending, double sends counted at the Twilio side (target 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.ts';
import { createPgStore } from '../../src/store/pg/index.ts';
import { createSqliteStore } from '../../src/store/sqlite/index.ts';
import { ROOT } from '../support/paths.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { PUBLIC_URL, fixture, sign, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Texts per run, each from its own number, and how many go out at once. */
const TEXTS = 60;
const CONCURRENCY = 8;
/** Twilio holds each answer this long after accepting: the window a kill hits. */
const ANSWER_DELAY_MS = 300;
const SETTLE_DEADLINE_MS = 60_000;

interface Replica {
  process: ChildProcess;
  port: number;
  exited: Promise<void>;
}

/** Starts a Frontdesk server process; resolves once it listens and sweeps (its `ready` line). */
async function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sms-fault-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its log lines (pino writes to stdout) go to ours, marked with the process id.
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line && !line.startsWith('ready ')) process.stderr.write(`[frontdesk ${child.pid}] ${line}\n`);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    void exited.then(() => reject(new Error('the Frontdesk process exited before it was ready')));
  });
  return { process: child, port, exited };
}

/** Replicas behind a load balancer that sends each webhook on until one answers 200. */
function createCluster(env: Record<string, string>) {
  const live: Replica[] = [];
  let revived: Promise<void> = Promise.resolve();
  let turn = 0;
  return {
    live,
    async add() {
      live.push(await startReplica(env));
    },
    /** kill -9 one replica now, and start it again (same database) once it is gone. */
    killAndRestart(index: number) {
      const victim = live.splice(index, 1)[0]!;
      victim.process.kill('SIGKILL');
      revived = victim.exited.then(async () => void live.push(await startReplica(env)));
      return revived;
    },
    async post(params: URLSearchParams) {
      const body = params.toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(`${PUBLIC_URL}/webhooks/sms`, params) };
      for (;;) {
        if (live.length === 0) await revived;
        const target = live[turn++ % live.length]!;
        const response = await fetch(`http://127.0.0.1:${target.port}/webhooks/sms`, { method: 'POST', headers, body }).catch(() => null);
        if (response?.status === 200) return;
        if (response) throw new Error(`the webhook answered ${response.status}: ${await response.text()}`);
        // Refused or cut off by the kill: Twilio retries (or the balancer tries the other replica).
      }
    },
    async stopAll() {
      await revived.catch(() => undefined);
      for (const replica of live.splice(0)) {
        replica.process.kill('SIGKILL');
        await replica.exited;
      }
    },
  };
}

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** What the database holds for the SMS channel: texts received, replies and their statuses. */
async function snapshot(store: Store) {
  const inbound: string[] = [];
  const statuses: Record<string, number> = {};
  for (const conversation of await store.repo.listConversations({ channel: 'sms', limit: 200 })) {
    for (const m of await store.repo.listMessages(conversation.id)) {
      if (m.direction === 'inbound') inbound.push(m.text);
      else statuses[m.deliveryStatus] = (statuses[m.deliveryStatus] ?? 0) + 1;
    }
  }
  return { inbound, statuses, replies: Object.values(statuses).reduce((a, b) => a + b, 0), pendingJobs: await store.repo.countPendingJobs() };
}

/** Polls (cross-process: no event to await) until every text has a settled reply, or the deadline. */
async function settled(store: Store) {
  const deadline = Date.now() + SETTLE_DEADLINE_MS;
  for (;;) {
    const state = await snapshot(store);
    if ((state.replies >= TEXTS && !state.statuses.pending && state.pendingJobs === 0) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Sends the load, kills replica 0 after a third of the replies reached Twilio, and measures. */
async function killDuringLoad(api: TwilioApi, cluster: ReturnType<typeof createCluster>, store: Store, label: string) {
  const texts = Array.from({ length: TEXTS }, (_, i) => ({ text: `load ${i}`, from: `+1415558${String(1000 + i)}`, sid: `SM${String(i).padStart(32, '9')}` }));
  let inFlightAtKill = 0;
  const kill = api.waitForRequests(Math.floor(TEXTS / 3)).then(() => {
    inFlightAtKill = api.unanswered;
    return cluster.killAndRestart(0);
  });
  await pool(texts, CONCURRENCY, (t) => cluster.post(fixture('inbound-sms.form', { Body: t.text, From: t.from, MessageSid: t.sid })));
  await kill;
  const state = await settled(store);

  const sends = new Map<string, number>();
  for (const m of api.accepted) sends.set(m.body ?? '', (sends.get(m.body ?? '') ?? 0) + 1);
  const figures = {
    texts: TEXTS,
    repliesAcceptedByTwilioButUnansweredAtKill: inFlightAtKill,
    lost: texts.filter((t) => !sends.has(`Answer to ${t.text}`)).length,
    stuckPending: state.statuses.pending ?? 0,
    doubleSends: [...sends.values()].reduce((n, count) => n + count - 1, 0),
    storedTwice: state.inbound.length - new Set(state.inbound).size,
    replies: state.replies,
  };
  console.log(`[delivery-faults] ${label}: ${JSON.stringify(figures)}`);
  expect(inFlightAtKill, 'the kill must hit replies Twilio accepted, or this run proves nothing').toBeGreaterThan(0);
  expect(new Set(state.inbound)).toEqual(new Set(texts.map((t) => t.text)));
  expect(figures).toMatchObject({ lost: 0, stuckPending: 0, doubleSends: 0, storedTwice: 0 });
  expect(state.pendingJobs).toBe(0);
}

/** The child processes' settings: SMS against the local API, a short lease so recovery is quick. */
const childEnv = (api: TwilioApi, database: Record<string, string>) =>
  smsEnv(api.url, { ...database, OUTBOX_LEASE_SECONDS: '2', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '0', RATE_LIMIT_MESSAGES_PER_MINUTE: '0' });

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

describe('kill -9 during SMS load', () => {
  it('on SQLite: one process killed and restarted loses nothing and sends nothing twice', async () => {
    const api = await startTwilioApi({ answerDelayMs: ANSWER_DELAY_MS });
    cleanup.push(() => api.close());
    const path = join(dir, 'faults.db');
    const cluster = createCluster(childEnv(api, { SQLITE_PATH: path }));
    cleanup.push(() => cluster.stopAll());
    await cluster.add();
    const store = createSqliteStore({ path });
    cleanup.push(() => store.close());
    await killDuringLoad(api, cluster, store, 'SQLite, 1 process');
  });
});

const reason = await postgresUnavailable();
describeWithService('PostgreSQL', reason)('kill -9 during SMS load on PostgreSQL', () => {
  it('with two replicas: one killed and restarted loses nothing and sends nothing twice', async () => {
    const db = await createTestDatabase();
    cleanup.push(() => db.drop());
    const api = await startTwilioApi({ answerDelayMs: ANSWER_DELAY_MS });
    cleanup.push(() => api.close());
    const cluster = createCluster(childEnv(api, { DATABASE_URL: db.url }));
    cleanup.push(() => cluster.stopAll());
    await cluster.add(); // one at a time: the first one migrates
    await cluster.add();
    const store = createPgStore({ url: db.url });
    cleanup.push(() => store.close());
    await killDuringLoad(api, cluster, store, 'PostgreSQL, 2 replicas');
  });
});
