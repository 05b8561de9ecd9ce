import type { ChannelAdapter } from './ports.ts';
import type { ChannelKind } from './types.ts';

/** Outbound goes through this registry, keyed by channel kind; never a scattered switch. */
export interface ChannelRegistry {
  get(kind: ChannelKind): ChannelAdapter<unknown> | undefined;
  all(): ChannelAdapter<unknown>[];
}

export function createChannelRegistry(adapters: ChannelAdapter<unknown>[]): ChannelRegistry {
  const byKind = new Map<ChannelKind, ChannelAdapter<unknown>>();
  for (const adapter of adapters) {
    if (byKind.has(adapter.kind)) throw new Error(`Two adapters registered for channel ${adapter.kind}`);
    byKind.set(adapter.kind, adapter);
  }
  return { get: (kind) => byKind.get(kind), all: () => [...byKind.values()] };
}
