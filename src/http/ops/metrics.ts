/**
 * The registry a process exposes at /metrics: prom-client's, behind the three shapes Frontdesk
 * uses (counters, histograms, gauges read at scrape time). Every label set is bounded by the
 * caller (route patterns, channel kinds, status classes, provider codes), never raw paths or ids.
 */
import { Counter as PromCounter, Gauge, Histogram as PromHistogram, Registry } from 'prom-client';

type Labels = Record<string, string>;

/** A monotonically increasing count per label set. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** Observations bucketed by upper bound, with their sum and count. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** What a gauge reads when scraped: one value, or one per label set. */
export type GaugeReading = number | { labels: Labels; value: number }[];

export interface MetricsRegistry {
  counter(name: string, help: string, labelNames?: string[]): Counter;
  histogram(name: string, help: string, buckets: number[], labelNames?: string[]): Histogram;
  /** A gauge read when scraped: `collect` returns its current value(s). */
  gauge(name: string, help: string, collect: () => GaugeReading | Promise<GaugeReading>, labelNames?: string[]): void;
  /** The whole registry in Prometheus text format. */
  render(): Promise<string>;
}

export function createMetricsRegistry(): MetricsRegistry {
  const registry = new Registry();
  return {
    counter(name, help, labelNames = []) {
      const counter = new PromCounter({ name, help, labelNames, registers: [registry] });
      return { inc: (labels = {}, by = 1) => counter.inc(labels, by) };
    },
    histogram(name, help, buckets, labelNames = []) {
      const histogram = new PromHistogram({ name, help, buckets, labelNames, registers: [registry] });
      return { observe: (labels, value) => histogram.observe(labels, value) };
    },
    gauge(name, help, collect, labelNames = []) {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          const reading = await collect();
          this.reset();
          if (typeof reading === 'number') this.set(reading);
          else for (const { labels, value } of reading) this.set(labels, value);
        },
      });
    },
    render: () => registry.metrics(),
  };
}
