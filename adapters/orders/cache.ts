/**
 * A short in-memory cache in front of a remote order source: one customer asking twice in a
 * conversation (or two engines asking in one run) costs one request. Answers only, never errors;
 * concurrent asks for the same key share one request. Bounded: the oldest entries go first.
 */
import type { Clock, OrderSource } from '../../src/core/ports.ts';

export interface OrderCacheOptions {
  ttlMs: number;
  maxEntries?: number;
  clock?: Clock;
}

export function withOrderCache(source: OrderSource, options: OrderCacheOptions): OrderSource {
  if (options.ttlMs <= 0) return source;
  const max = options.maxEntries ?? 500;
  const now = () => (options.clock ?? Date).now();
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();

  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = entries.get(key);
    if (hit && now() - hit.at < options.ttlMs) return hit.value as Promise<T>;
    entries.delete(key);
    const value = load();
    entries.set(key, { at: now(), value });
    // A failure is not remembered: the next ask tries the order system again.
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
    while (entries.size > max) entries.delete(entries.keys().next().value!);
    return value;
  }

  return {
    name: source.name,
    getOrder: (orderId) => cached(`order:${orderId}`, () => source.getOrder(orderId)),
    ordersForEmail: (email) => cached(`email:${email.toLowerCase()}`, () => source.ordersForEmail(email)),
  };
}
