/**
 * Limits: token buckets per key (client address), in memory for one process or in the shared
 * database for replicas (createSharedTokenBuckets), and a cap on concurrent streams per key.
 * Every in-memory map is bounded: idle entries are pruned and, past the cap, the oldest entries
 * are dropped first, so a flood of distinct addresses costs bounded memory (it can at worst
 * forget someone's spent budget).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { FrontdeskError } from '../../core/errors.ts';
import type { BucketSettings, Clock, Store } from '../../core/ports.ts';

/** The most keys any limiter remembers. */
export const MAX_TRACKED_KEYS = 10_000;

export type { BucketSettings };

/** A refused request: how long until it could pass. */
export interface Refusal {
  retryAfterSeconds: number;
}

/** Token buckets keyed by client: `take(key)` spends one token or says how long to wait. */
export interface TokenBuckets {
  take(key: string): Refusal | null | Promise<Refusal | null>;
}

/** In-memory buckets also say how many keys they remember (tests of pruning). */
export interface MemoryTokenBuckets extends TokenBuckets {
  take(key: string): Refusal | null;
  size(): number;
}

/**
 * Buckets kept in the database (`store.takeToken`), so replicas behind a load balancer share one
 * budget per client. `name` tells this limit's buckets from the others'.
 */
export function createSharedTokenBuckets(name: string, settings: BucketSettings, clock: Clock, store: Required<Pick<Store, 'takeToken'>>): TokenBuckets {
  return {
    async take(key) {
      const wait = await store.takeToken(name, key, settings, clock.now());
      return wait === null ? null : { retryAfterSeconds: wait };
    },
  };
}

export function createTokenBuckets(settings: BucketSettings, clock: Clock, maxKeys = MAX_TRACKED_KEYS): MemoryTokenBuckets {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = settings.perMinute / 60_000;
  // A bucket full again is indistinguishable from a new one, so it can be forgotten.
  const refillMs = settings.burst / perMs;

  function prune(now: number) {
    for (const [key, bucket] of buckets) if (now - bucket.at >= refillMs) buckets.delete(key);
    // Maps iterate in insertion order and take() re-inserts on use: the first keys are the least recent.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  }

  return {
    take(key) {
      const now = clock.now();
      const bucket = buckets.get(key);
      let tokens = bucket ? Math.min(settings.burst, bucket.tokens + (now - bucket.at) * perMs) : settings.burst;
      if (!bucket && buckets.size >= maxKeys) prune(now);
      buckets.delete(key);
      if (tokens < 1) {
        buckets.set(key, { tokens, at: now });
        return { retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
      }
      tokens -= 1;
      buckets.set(key, { tokens, at: now });
      return null;
    },
    size: () => buckets.size,
  };
}

/** Counts open streams per key; `open` returns a release function, or null when the key is at its cap. */
export interface ConcurrencyCap {
  open(key: string): (() => void) | null;
  count(key: string): number;
}

export function createConcurrencyCap(max: number): ConcurrencyCap {
  const open = new Map<string, number>();
  return {
    open(key) {
      const current = open.get(key) ?? 0;
      if (current >= max) return null;
      open.set(key, current + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (open.get(key) ?? 1) - 1;
        // Zero entries are removed, so the map only ever holds keys with a stream open.
        if (left <= 0) open.delete(key);
        else open.set(key, left);
      };
    },
    count: (key) => open.get(key) ?? 0,
  };
}

/** Middleware spending one token of `buckets` per request, keyed by `keyOf`. */
export function rateLimit(buckets: TokenBuckets, keyOf: (c: Context) => string, onRefused?: () => void): MiddlewareHandler {
  return async (c, next) => {
    const refusal = await buckets.take(keyOf(c));
    if (refusal) {
      onRefused?.();
      c.header('Retry-After', String(refusal.retryAfterSeconds));
      throw new FrontdeskError('rate_limited', `Too many requests; try again in ${refusal.retryAfterSeconds} s.`, 429, { retryAfterSeconds: refusal.retryAfterSeconds });
    }
    await next();
  };
}
