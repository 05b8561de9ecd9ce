/**
 * Sign-in throttling without a lockout anyone could trigger: failures slow down the pair
 * (address, email) and, more loosely, the address alone, with delays that double per failure.
 * The real user signing in from their own address is never refused because someone elsewhere
 * guessed at their email; one address guessing across many emails is slowed by the per-address key.
 * Memory is bounded: entries whose delay has long passed are forgotten, and the oldest go first.
 */
import type { Clock } from '../../core/ports.ts';
import { MAX_TRACKED_KEYS, type Refusal } from './rate-limit.ts';

export interface LoginThrottleSettings {
  /** Failures per (address, email) before delays start. */
  freePerAccount: number;
  /** Failures per address (any email) before delays start. */
  freePerAddress: number;
  /** The first delay; each further failure doubles it. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = { freePerAccount: 3, freePerAddress: 20, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 };

export interface LoginThrottle {
  /** Null when a sign-in attempt may be checked now, else how long to wait. Checked before the password. */
  check(address: string, email: string): Refusal | null;
  failed(address: string, email: string): void;
  succeeded(address: string, email: string): void;
  /** Keys remembered right now (tests of pruning). */
  size(): number;
}

export function createLoginThrottle(clock: Clock, settings: LoginThrottleSettings = DEFAULT_LOGIN_THROTTLE, maxKeys = MAX_TRACKED_KEYS): LoginThrottle {
  const entries = new Map<string, { failures: number; last: number }>();
  const pairKey = (address: string, email: string) => `pair\n${address}\n${email}`;
  const addressKey = (address: string) => `addr\n${address}`;

  const delayAfter = (failures: number, free: number) =>
    failures < free ? 0 : Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (failures - free));

  // An entry whose last failure is older than the longest delay, twice over, carries no more weight.
  const forgetAfterMs = settings.maxDelayMs * 2;

  function waitFor(key: string, free: number, now: number): number {
    const entry = entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.last + delayAfter(entry.failures, free) - now);
  }

  function prune(now: number) {
    for (const [key, entry] of entries) if (now - entry.last >= forgetAfterMs) entries.delete(key);
    for (const key of entries.keys()) {
      if (entries.size < maxKeys) break;
      entries.delete(key);
    }
  }

  function bump(key: string, now: number) {
    const entry = entries.get(key);
    const fresh = !entry || now - entry.last >= forgetAfterMs;
    entries.delete(key); // re-inserted last: the map stays ordered oldest first
    if (entries.size >= maxKeys) prune(now);
    entries.set(key, { failures: fresh ? 1 : entry.failures + 1, last: now });
  }

  return {
    check(address, email) {
      const now = clock.now();
      const waitMs = Math.max(waitFor(pairKey(address, email), settings.freePerAccount, now), waitFor(addressKey(address), settings.freePerAddress, now));
      return waitMs > 0 ? { retryAfterSeconds: Math.ceil(waitMs / 1000) } : null;
    },
    failed(address, email) {
      const now = clock.now();
      bump(pairKey(address, email), now);
      bump(addressKey(address), now);
    },
    succeeded(address, email) {
      entries.delete(pairKey(address, email));
    },
    size: () => entries.size,
  };
}
