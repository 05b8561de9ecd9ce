/**
 * The worker thread of reader.ts: the same repository on a read-only connection to the store's
 * file, answering one read at a time.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createRepository, type Db, type Schema } from '../repository.ts';
import * as schema from '../schema/sqlite.ts';
import { cacheStatements, savepointAtomically, sqliteDialect } from './dialect.ts';
import type { OffThreadRead } from './reader.ts';

// On a machine with few cores the reader competes with the event loop for CPU: on Linux this
// thread (its own task id) yields to it. Elsewhere the reader runs at normal priority.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 10);
} catch {
  // not Linux, or not allowed: no harm
}

const sqlite = new Database((workerData as { path: string }).path, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
cacheStatements(sqlite);
const repo = createRepository(drizzle({ client: sqlite, schema, casing: 'snake_case' }) as unknown as Db, schema as unknown as Schema, sqliteDialect(savepointAtomically));

parentPort!.on('message', async ({ id, method, args }: { id: number; method: OffThreadRead; args: unknown[] }) => {
  try {
    const result = await (repo[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    parentPort!.postMessage({ id, result });
  } catch (error) {
    parentPort!.postMessage({ id, error: { name: (error as Error).name, message: (error as Error).message } });
  }
});
