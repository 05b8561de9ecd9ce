import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BusEvent, EventBus } from '../core/ports.ts';

const HEARTBEAT_MS = 15_000;

export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * Streams bus events of one topic as Server-Sent Events. The subscription starts before the
 * backlog is read, so nothing that happens in between is lost; backlog ids are not sent twice.
 */
export function streamTopic(
  c: Context,
  opts: {
    bus: EventBus;
    topic: string;
    /** Maps a bus event to what this client may see (null hides it). */
    view(event: BusEvent): SseEvent | null;
    /** Events the client missed (after Last-Event-ID), sent first. */
    backlog(): Promise<SseEvent[]>;
  },
) {
  return streamSSE(c, async (stream) => {
    const queue: SseEvent[] = [];
    let wake: (() => void) | null = null;
    const unsubscribe = opts.bus.subscribe(opts.topic, (event) => {
      const visible = opts.view(event);
      if (!visible) return;
      queue.push(visible);
      wake?.();
    });
    let closed = false;
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    const heartbeat = setInterval(() => {
      void stream.write(': keep-alive\n\n').catch(() => undefined);
    }, HEARTBEAT_MS);
    try {
      const sent = new Set<string>();
      await stream.writeSSE({ event: 'ready', data: '{}' });
      for (const item of await opts.backlog()) {
        if (item.id) sent.add(item.id);
        await stream.writeSSE({ event: item.event, id: item.id, data: JSON.stringify(item.data) });
      }
      while (!closed) {
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        // A backlog message seen again live is a repeat only if it is the same message event.
        if (item.id && item.event === 'message' && sent.delete(item.id)) continue;
        await stream.writeSSE({ event: item.event, id: item.id, data: JSON.stringify(item.data) });
      }
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
