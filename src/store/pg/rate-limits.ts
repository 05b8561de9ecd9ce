/**
 * Token buckets in PostgreSQL (migrations/pg/0008_rate_limits.sql), so every replica spends from
 * one budget per client. One statement per request: the bucket is refilled for the time since it
 * was last touched and, when a token is there, one is spent, under the row's lock. Replicas' clocks
 * and requests' order differ by milliseconds, so time never runs backwards for a bucket: a request
 * stamped before the last one refills nothing.
 */
import type pg from 'pg';
import type { BucketSettings } from '../../core/ports.ts';

/** About one request in this many also deletes the buckets that are full again (same as absent). */
const PRUNE_EVERY = 1_000;

export function createPgTokenTaker(pool: pg.Pool) {
  let untilPrune = PRUNE_EVERY;
  return async function takeToken(name: string, key: string, settings: BucketSettings, now: number): Promise<number | null> {
    const perMs = settings.perMinute / 60_000;
    const { rows } = await pool.query<{ allowed: boolean; tokens: number }>(
      `insert into rate_limit_buckets as b (name, key, tokens, at, allowed) values ($1, $2, $3::float8 - 1, $4, true)
       on conflict (name, key) do update set
         tokens = least($3::float8, b.tokens + greatest(0, $4 - b.at) * $5::float8) - case when least($3::float8, b.tokens + greatest(0, $4 - b.at) * $5::float8) >= 1 then 1 else 0 end,
         allowed = least($3::float8, b.tokens + greatest(0, $4 - b.at) * $5::float8) >= 1,
         at = greatest(b.at, $4)
       returning allowed, tokens`,
      [name, key, settings.burst, now, perMs],
    );
    if (--untilPrune <= 0) {
      untilPrune = PRUNE_EVERY;
      // A bucket idle long enough to be full again says nothing a missing row does not.
      await pool.query('delete from rate_limit_buckets where name = $1 and at < $2', [name, now - settings.burst / perMs]);
    }
    const row = rows[0]!;
    return row.allowed ? null : Math.max(1, Math.ceil((1 - row.tokens) / perMs / 1000));
  };
}
