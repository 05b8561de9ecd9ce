/**
 * Staff reads that scan much of the database (analytics over months, conversation search) run on
 * a read-only connection in a worker thread, so the event loop keeps serving customers while they
 * run: better-sqlite3 is synchronous, and on the store's one connection such a read would stall
 * every channel for its whole duration. WAL lets the reader see every committed transaction
 * while the writer goes on. In-memory databases have no second connection and read in place.
 */
import { Worker } from 'node:worker_threads';
import type { ConversationFilter, Repository } from '../../core/ports.ts';
import { countsFromTallies } from '../tallied.ts';

/** The repository reads that go off the event loop (the inbox's list only with a search). */
export const OFF_THREAD_READS = ['aggregateEvents', 'agentActivity', 'countConversationsBy', 'dailyVolume', 'listConversations', 'slaOutcomes'] as const satisfies readonly (keyof Repository)[];
export type OffThreadRead = (typeof OFF_THREAD_READS)[number];

/**
 * Whether a call is worth the hop to the worker: an inbox page without a search is a few index
 * rows, while with one it reads every message the words are in. The console's inbox counts its
 * views on every load: from a few tally rows when its filter allows (countsFromTallies),
 * otherwise by testing every conversation the filter selects (30 ms at 100,000).
 */
export function goesOffThread(method: OffThreadRead, args: unknown[]): boolean {
  if (method === 'listConversations') return Boolean((args[0] as ConversationFilter | undefined)?.search?.trim());
  if (method === 'countConversationsBy') return !countsFromTallies(args[0] as ConversationFilter, args[1] as Record<string, ConversationFilter>);
  return true;
}

export interface OffThreadReader {
  run(method: OffThreadRead, args: unknown[]): Promise<unknown>;
  /** False once the thread has exited (a crash): the store then starts another. */
  readonly alive: boolean;
  close(): Promise<void>;
}

type Reply = { id: number; result?: unknown; error?: { name: string; message: string } };

export function createOffThreadReader(path: string): OffThreadReader {
  // The build emits JavaScript beside this file; from a checkout the worker's TypeScript is
  // loaded through tsx, also inside test runners whose threads do not inherit its loader.
  const source = new URL(`./reader-worker.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url);
  const worker = source.pathname.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: { path } })
    : new Worker(source, { workerData: { path } });
  worker.unref(); // an idle reader does not keep the process alive
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  let alive = true;
  const failAll = (error: Error) => {
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  worker.on('message', (reply: Reply) => {
    const call = waiting.get(reply.id);
    if (!call) return;
    waiting.delete(reply.id);
    if (reply.error) call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    else call.resolve(reply.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => {
    alive = false;
    failAll(new Error(`the SQLite reader thread exited (${code})`));
  });
  return {
    get alive() {
      return alive;
    },
    run(method, args) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.ref(); // a read in flight keeps the process up until it answers
        worker.postMessage({ id, method, args });
      }).finally(() => {
        if (waiting.size === 0) worker.unref();
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
