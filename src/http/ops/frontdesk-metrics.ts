/**
 * The series Frontdesk exposes at /metrics, and the small wrappers that feed them from the
 * composition root (channels, pipeline, escalations) without the core knowing about metrics.
 * Counts are per process: each replica is scraped on its own and Prometheus sums them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ChannelRegistry } from '../../core/channels.ts';
import type { Escalations } from '../../core/escalations.ts';
import type { AgentEngine, Pipeline } from '../../core/ports.ts';
import { openEventStreams } from '../sse.ts';
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
  /** Seconds per pipeline stage: receive (store and hand to the agents), engine, delivery. */
  stageDuration: Histogram;
  /** Engine runs by engine and the route it chose. */
  engineRuns: Counter;
  /** Stops the event-loop sampler (tests, shutdown). */
  close(): void;
}

export interface MetricsSources {
  /** Outbox jobs waiting to be delivered; one indexed count, read at scrape time. */
  outboxPending(): Promise<number>;
  /** When the oldest pending outbox job was created (epoch ms), null when none waits. */
  outboxOldestPendingAt(): Promise<number | null>;
  /** The database connection pool, where the store has one (PostgreSQL). */
  databasePool?(): { total: number; idle: number; waiting: number };
  now(): number;
}

export function createFrontdeskMetrics(sources: MetricsSources): FrontdeskMetrics {
  const registry = createMetricsRegistry();
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const metrics: FrontdeskMetrics = {
    registry,
    httpRequests: registry.counter('frontdesk_http_requests_total', 'HTTP requests by method, route pattern and status class.', ['method', 'route', 'status']),
    httpDuration: registry.histogram('frontdesk_http_request_duration_seconds', 'HTTP request duration by method and route pattern.', DURATION_BUCKETS, ['method', 'route']),
    messagesReceived: registry.counter('frontdesk_messages_received_total', 'Inbound customer messages stored, by channel (duplicates excluded).', ['channel']),
    repliesSent: registry.counter('frontdesk_replies_sent_total', 'Outbound messages a provider accepted, by channel.', ['channel']),
    repliesFailed: registry.counter('frontdesk_replies_failed_total', "Outbound delivery attempts that failed, by channel and the provider's error code.", ['channel', 'code']),
    handoffs: registry.counter('frontdesk_handoffs_total', 'Conversations handed to humans.'),
    rateLimited: registry.counter('frontdesk_rate_limited_total', 'Requests refused by a rate limit, by limit.', ['limit']),
    stageDuration: registry.histogram('frontdesk_pipeline_stage_duration_seconds', 'Time spent per message in each pipeline stage.', DURATION_BUCKETS, ['stage']),
    engineRuns: registry.counter('frontdesk_engine_runs_total', 'Agent engine runs by engine and route chosen.', ['engine', 'route']),
    close: () => loop.disable(),
  };
  registry.gauge('frontdesk_outbox_pending', 'Outbox jobs waiting for delivery.', () => sources.outboxPending());
  registry.gauge('frontdesk_outbox_oldest_pending_seconds', 'Age of the oldest outbox job waiting for delivery (0 when none).', async () => {
    const oldest = await sources.outboxOldestPendingAt();
    return oldest === null ? 0 : Math.max(0, (sources.now() - oldest) / 1000);
  });
  registry.gauge('frontdesk_sse_clients', 'Event streams open on this process.', () => openEventStreams());
  if (sources.databasePool) {
    const pool = sources.databasePool;
    registry.gauge('frontdesk_db_pool_connections', 'Database pool connections by state (waiting: queries queued for one).', () => {
      const { total, idle, waiting } = pool();
      return [
        { labels: { state: 'total' }, value: total },
        { labels: { state: 'idle' }, value: idle },
        { labels: { state: 'waiting' }, value: waiting },
      ];
    }, ['state']);
  }
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
        const started = performance.now();
        try {
          const result = await send(outbound);
          metrics.repliesSent.inc({ channel: adapter.kind });
          return result;
        } catch (error) {
          metrics.repliesFailed.inc({ channel: adapter.kind, code: failureCode(error) });
          throw error;
        } finally {
          metrics.stageDuration.observe({ stage: 'delivery' }, (performance.now() - started) / 1000);
        }
      };
      return [adapter.kind, counted] as const;
    }),
  );
  return { get: (kind) => wrapped.get(kind), all: () => [...wrapped.values()] };
}

/** A provider's error code as a bounded label: its code or HTTP status, else the error's name. */
function failureCode(error: unknown): string {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  const value = typeof code === 'string' || typeof code === 'number' ? code : typeof status === 'number' ? status : (error as Error | undefined)?.name ?? 'error';
  return String(value).slice(0, 40);
}

/** The engine the pipeline runs, timed and counted by the route it chose. */
export function timeEngine(engine: AgentEngine, metrics: FrontdeskMetrics): AgentEngine {
  return {
    ...engine,
    async run(input) {
      const started = performance.now();
      try {
        const result = await engine.run(input);
        metrics.engineRuns.inc({ engine: engine.name, route: result.route });
        return result;
      } finally {
        metrics.stageDuration.observe({ stage: 'engine' }, (performance.now() - started) / 1000);
      }
    },
  };
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
      const started = performance.now();
      const result = await pipeline.receive(message);
      metrics.stageDuration.observe({ stage: 'receive' }, (performance.now() - started) / 1000);
      if (!result.duplicate) metrics.messagesReceived.inc({ channel: result.conversation.channel });
      return result;
    },
  };
}
