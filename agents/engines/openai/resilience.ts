/**
 * Keeping a model provider from hurting the desk: a process-wide limit on model calls in
 * flight, one run at a time per conversation, and a circuit breaker that stops waiting on a
 * provider that keeps failing (runs go to the fallback engine at once until it cools down).
 * Timeouts and retries with backoff on 429/5xx are the `openai` client's own (see client.ts).
 */
import { APIError } from 'openai';
import type { Model, ModelRequest, ModelResponse } from '@openai/agents';

/** A counting semaphore. */
export interface Limiter {
  run<T>(work: () => Promise<T>): Promise<T>;
  acquire(): Promise<() => void>;
  /** Calls in flight now. */
  readonly active: number;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else active -= 1;
  };
  const acquire = () =>
    new Promise<() => void>((resolve) => {
      const grant = () => resolve(once(release));
      if (active < max) {
        active += 1;
        grant();
      } else waiting.push(grant);
    });
  return {
    acquire,
    async run(work) {
      const done = await acquire();
      try {
        return await work();
      } finally {
        done();
      }
    },
    get active() {
      return active;
    },
  };
}

function once(fn: () => void): () => void {
  let called = false;
  return () => {
    if (!called) (called = true), fn();
  };
}

/** Serialises work per key (one run per conversation); keys are forgotten once idle. */
export function createKeyedLock() {
  const tails = new Map<string, Promise<unknown>>();
  return async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const result = previous.catch(() => undefined).then(work);
    const tail = result.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

/** Wraps a Model so every call (plain or streamed) holds a slot of the limiter. */
export function limitModel(model: Model, limiter: Limiter): Model {
  return {
    getResponse: (request: ModelRequest): Promise<ModelResponse> => limiter.run(() => model.getResponse(request)),
    async *getStreamedResponse(request: ModelRequest) {
      const done = await limiter.acquire();
      try {
        yield* model.getStreamedResponse(request);
      } finally {
        done();
      }
    },
  };
}

/**
 * True for failures of the provider rather than of the model's behaviour: no connection,
 * timeouts, rate limits left after the client's retries, 5xx, and auth/config errors (a wrong
 * key is an outage for the customer too).
 */
export function isProviderError(error: unknown): boolean {
  if (!(error instanceof APIError)) return false;
  return error.status === undefined || error.status === 401 || error.status === 403 || error.status === 404 || error.status === 408 || error.status === 429 || error.status >= 500;
}

export interface CircuitBreaker {
  /** False while open: callers skip the provider. */
  allow(): boolean;
  success(): void;
  failure(): void;
  readonly state: 'closed' | 'open' | 'half-open';
}

/** Opens after `threshold` consecutive failures; lets one trial call through after `cooldownMs`. */
export function createCircuitBreaker(opts: { threshold: number; cooldownMs: number; now: () => number }): CircuitBreaker {
  let failures = 0;
  let openedAt: number | null = null;
  let trial = false;
  const state = () => (openedAt === null ? 'closed' : opts.now() - openedAt >= opts.cooldownMs ? 'half-open' : 'open');
  return {
    allow() {
      const current = state();
      if (current === 'closed') return true;
      if (current === 'half-open' && !trial) return (trial = true);
      return false;
    },
    success() {
      failures = 0;
      openedAt = null;
      trial = false;
    },
    failure() {
      failures += 1;
      trial = false;
      if (failures >= opts.threshold) openedAt = opts.now();
    },
    get state() {
      return state();
    },
  };
}
