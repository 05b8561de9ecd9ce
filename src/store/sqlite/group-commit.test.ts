import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLock } from '../lock.ts';
import { createGroupCommit } from './group-commit.ts';

describe('group commit', () => {
  let db: Database.Database;
  let transaction: ReturnType<typeof createGroupCommit<Database.Database>>;
  let commits: number;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('create table notes (id integer primary key, text text not null unique)');
    commits = 0;
    // Counts the COMMITs the batches issue.
    const exec = db.exec.bind(db);
    db.exec = ((source: string) => {
      if (source === 'COMMIT') commits += 1;
      return exec(source);
    }) as typeof db.exec;
    transaction = createGroupCommit(db, createLock(), db);
  });
  afterEach(() => db.close());

  const insert = (text: string) => async (conn: Database.Database) => conn.prepare('insert into notes (text) values (?) returning id').get(text) as { id: number };
  const texts = () => (db.prepare('select text from notes order by id').all() as { text: string }[]).map((r) => r.text);

  it('commits the units queued together once, each seeing the writes before it', async () => {
    const seen: number[] = [];
    const results = await Promise.all([
      transaction(insert('a')),
      transaction(async (conn) => {
        seen.push((conn.prepare('select count(*) as n from notes').get() as { n: number }).n);
        return insert('b')(conn);
      }),
      transaction(insert('c')),
    ]);
    expect(results.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(seen).toEqual([1]);
    expect(commits).toBe(1);
    expect(texts()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a failing unit alone and hands its error to its caller only', async () => {
    const outcomes = await Promise.allSettled([
      transaction(insert('a')),
      transaction(async (conn) => {
        await insert('half-way')(conn);
        return insert('a')(conn); // unique violation: the unit's first insert must go too
      }),
      transaction(insert('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(texts()).toEqual(['a', 'c']);
    expect(commits).toBe(1);
  });

  it('hands out no result before its batch is committed', async () => {
    const events: string[] = [];
    const first = transaction(insert('a')).then(() => events.push('first resolved'));
    const second = transaction(async (conn) => {
      events.push('second ran');
      return insert('b')(conn);
    });
    await Promise.all([first, second]);
    expect(events).toEqual(['second ran', 'first resolved']);
  });

  it('fails every unit of a batch that SQLite aborted, and commits none of them', async () => {
    const outcomes = await Promise.allSettled([
      transaction(insert('a')),
      transaction(async (conn) => {
        conn.exec('ROLLBACK'); // as SQLite does on a disk-full or I/O error
        throw new Error('disk I/O error');
      }),
      transaction(insert('c')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(texts()).toEqual([]);
    // The connection is usable again: the next unit is its own batch.
    await transaction(insert('d'));
    expect(texts()).toEqual(['d']);
  });

  it('runs a batch queued before close() ahead of it', async () => {
    const lock = createLock();
    const queuedTransaction = createGroupCommit(db, lock, db);
    const written = queuedTransaction(insert('last words'));
    const closed = lock.run(async () => texts());
    await written;
    expect(await closed).toEqual(['last words']);
  });

  it('starts a new batch for units queued while one runs', async () => {
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = transaction(async (conn) => {
      started();
      await gate;
      return insert('slow')(conn);
    });
    await running; // the first batch holds the lock
    const later = [transaction(insert('x')), transaction(insert('y'))];
    release();
    await Promise.all([slow, ...later]);
    expect(texts()).toEqual(['slow', 'x', 'y']);
    expect(commits).toBe(2);
  });
});
