/**
 * Group commit for the one SQLite connection: the units of work that arrive in the same turn of
 * the event loop (requests read from several sockets at once), or while another batch holds the
 * lock, run together in one transaction, each inside its own savepoint, and share one COMMIT. A
 * commit appends every page the transaction touched to the WAL, and concurrent messages touch the
 * same pages (the tables' last leaves, their indexes), so under load a batch writes far fewer
 * pages than its units would one by one (29 → 7 per message in `npm run bench:sql`). Alone, a
 * unit is its own batch and waits only for the end of the current turn. A batch holds the lock
 * from its first unit's arrival, so what queues on the lock after it (reads, close()) follows it.
 *
 * Each unit still sees its own writes and those of the units before it, a unit that throws is
 * rolled back to its savepoint without touching the others, and no unit's result is handed out
 * before the COMMIT that makes it durable. If SQLite itself aborts the transaction (disk full, I/O
 * error), every unit of the batch fails: none of them was committed.
 */
import type Database from 'better-sqlite3';
import type { createLock } from '../lock.ts';

interface Unit<R, T> {
  work: (repo: R) => Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export function createGroupCommit<R>(sqlite: Database.Database, lock: ReturnType<typeof createLock>, repo: R) {
  // Units waiting for the next batch; while there are any, that batch is already queued on the lock.
  let queued: Unit<R, unknown>[] = [];

  async function runBatch() {
    // The lock is held from the first arrival, so whatever queues on it later (reads, close())
    // still runs after this batch; the batch itself starts once this turn's I/O has been read.
    await new Promise((resolve) => setImmediate(resolve));
    const batch = queued;
    queued = [];
    const settled: { unit: Unit<R, unknown>; ok: boolean; value: unknown }[] = [];
    try {
      sqlite.exec('BEGIN IMMEDIATE');
      for (const unit of batch) {
        sqlite.exec('SAVEPOINT unit');
        try {
          const value = await unit.work(repo);
          sqlite.exec('RELEASE unit');
          settled.push({ unit, ok: true, value });
        } catch (error) {
          if (!sqlite.inTransaction) throw error; // SQLite rolled back the whole batch
          sqlite.exec('ROLLBACK TO unit');
          sqlite.exec('RELEASE unit');
          settled.push({ unit, ok: false, value: error });
        }
      }
      sqlite.exec('COMMIT');
    } catch (error) {
      try {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      } catch {
        // A connection that cannot roll back has failed already; the units learn why below.
      }
      for (const unit of batch) unit.reject(error);
      return;
    }
    for (const { unit, ok, value } of settled) (ok ? unit.resolve : unit.reject)(value);
  }

  return function transaction<T>(work: (repo: R) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queued.push({ work, resolve, reject } as Unit<R, unknown>);
      if (queued.length === 1) void lock.run(runBatch);
    });
  };
}
