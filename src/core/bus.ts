import type { BusEvent, EventBus } from './ports.ts';

export interface MemoryBus extends EventBus {
  /** Whether an event of this conversation would reach any listener (the conversation's own or `*`). */
  listens(conversationId: string): boolean;
}

/**
 * In-process event bus for live updates (SSE). Listeners of a conversation get its events;
 * listeners of `*` get all of them. A throwing listener never breaks the publisher.
 */
export function createMemoryBus(onListenerError: (error: unknown) => void = () => {}): MemoryBus {
  const topics = new Map<string, Set<(event: BusEvent) => void>>();
  const deliver = (topic: string, event: BusEvent) => {
    for (const listener of topics.get(topic) ?? []) {
      try {
        listener(event);
      } catch (error) {
        onListenerError(error);
      }
    }
  };
  return {
    publish(event) {
      deliver(event.conversationId, event);
      deliver('*', event);
    },
    listens: (conversationId) => topics.has(conversationId) || topics.has('*'),
    subscribe(topic, listener) {
      let set = topics.get(topic);
      if (!set) topics.set(topic, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) topics.delete(topic);
      };
    },
  };
}
