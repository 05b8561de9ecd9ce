import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BusEvent, EventBus } from '../core/ports.ts';

const HEARTBEAT_MS = 15_000;

let openStreams = 0;
/** Event streams open on this process (the /metrics gauge). */
export const openEventStreams = () => openStreams;

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
    openStreams += 1;
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
      // What the backlog sent, by message id: the same message arriving live unchanged is a repeat.
      const sent = new Map<string, string>();
      await stream.writeSSE({ event: 'ready', data: '{}' });
      for (const item of await opts.backlog()) {
        const data = JSON.stringify(item.data);
        if (item.id) sent.set(item.id, data);
        await stream.writeSSE({ event: item.event, id: item.id, data });
      }
      while (!closed) {
        const item = queue.shift();
        if (!item) {
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
          continue;
        }
        const data = JSON.stringify(item.data);
        if (item.id && item.event === 'message' && sent.get(item.id) === data) continue;
        await stream.writeSSE({ event: item.event, id: item.id, data });
      }
    } finally {
      openStreams -= 1;
      clearInterval(heartbeat);
      unsubscribe();
    }
  });
}
