/**
 * The series Frontdesk exposes at /metrics, and the small wrappers that feed them from the
 * composition root (channels, pipeline, escalations) without the core knowing about metrics.
 * Counts are per process: each replica is scraped on its own and Prometheus sums them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChannelRegistry } from '../../core/channels.ts';
import type { Escalations } from '../../core/escalations.ts';
import type { Pipeline } from '../../core/ports.ts';
import { createMetricsRegistry, type Counter, type Histogram, type MetricsRegistry } from './metrics.ts';

/** Seconds; covers a cached 1 ms answer up to a 30 s long-poll wait for the agents. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export interface FrontdeskMetrics {
  registry: MetricsRegistry;
  httpRequests: Counter;
  httpDuration: Histogram;
  messagesReceived: Counter;
  repliesSent: Counter;
  repliesFailed: Counter;
  handoffs: Counter;
  rateLimited: Counter;
  /** Stops the event-loop sampler (tests, shutdown). */
  close(): void;
}

export interface MetricsSources {
  /** Outbox jobs waiting to be delivered; one indexed count, read at scrape time. */
  outboxPending(): Promise<number>;
}

export function createFrontdeskMetrics(sources: MetricsSources): FrontdeskMetrics {
  const registry = createMetricsRegistry();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const metrics: FrontdeskMetrics = {
    registry,
    httpRequests: registry.counter('frontdesk_http_requests_total', 'HTTP requests by method, route pattern and status class.'),
    httpDuration: registry.histogram('frontdesk_http_request_duration_seconds', 'HTTP request duration by method and route pattern.', DURATION_BUCKETS),
    messagesReceived: registry.counter('frontdesk_messages_received_total', 'Inbound customer messages stored, by channel (duplicates excluded).'),
    repliesSent: registry.counter('frontdesk_replies_sent_total', 'Outbound messages a provider accepted, by channel.'),
    repliesFailed: registry.counter('frontdesk_replies_failed_total', 'Outbound delivery attempts that failed, by channel.'),
    handoffs: registry.counter('frontdesk_handoffs_total', 'Conversations handed to humans.'),
    rateLimited: registry.counter('frontdesk_rate_limited_total', 'Requests refused by a rate limit, by limit.'),
    close: () => loop.disable(),
  };
  registry.gauge('frontdesk_outbox_pending', 'Outbox jobs waiting for delivery.', () => sources.outboxPending());
  registry.gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', () => process.memoryUsage.rss());
  registry.gauge('nodejs_heap_used_bytes', 'V8 heap in use in bytes.', () => process.memoryUsage().heapUsed);
  registry.gauge('nodejs_eventloop_lag_p99_seconds', 'Event loop delay, 99th percentile since the last scrape.', () => {
    const value = loop.percentile(99) / 1e9;
    loop.reset(); // each scrape reports its own interval
    return Number.isFinite(value) ? value : 0;
  });
  registry.gauge('nodejs_eventloop_lag_max_seconds', 'Event loop delay, maximum since the last scrape.', () => {
    const value = loop.max / 1e9;
    return Number.isFinite(value) ? value : 0;
  });
  return metrics;
}

/** The registry outbound delivery goes through, counting what each provider accepted or refused. */
export function countDeliveries(channels: ChannelRegistry, metrics: FrontdeskMetrics): ChannelRegistry {
  const wrapped = new Map(
    channels.all().map((adapter) => {
      if (!adapter.send) return [adapter.kind, adapter] as const;
      const send = adapter.send.bind(adapter);
      const counted: typeof adapter = Object.create(adapter);
      counted.send = async (outbound) => {
        try {
          const result = await send(outbound);
          metrics.repliesSent.inc({ channel: adapter.kind });
          return result;
        } catch (error) {
          metrics.repliesFailed.inc({ channel: adapter.kind });
          throw error;
        }
      };
      return [adapter.kind, counted] as const;
    }),
  );
  return { get: (kind) => wrapped.get(kind), all: () => [...wrapped.values()] };
}

/** Counts every handoff this process decides (escalations are emitted where the decision is made). */
export function countHandoffs(escalations: Escalations, metrics: FrontdeskMetrics): () => void {
  return escalations.subscribe(() => metrics.handoffs.inc());
}

/** The pipeline adapters call, counting each newly stored inbound message by channel. */
export function countReceived<P extends Pipeline>(pipeline: P, metrics: FrontdeskMetrics): P {
  return {
    ...pipeline,
    async receive(message) {
      const result = await pipeline.receive(message);
      if (!result.duplicate) metrics.messagesReceived.inc({ channel: result.conversation.channel });
      return result;
    },
  };
}
