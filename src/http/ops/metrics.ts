/**
 * A small Prometheus registry: counters, histograms and gauges rendered in the text exposition
 * format (version 0.0.4). Written here rather than pulled from prom-client because Frontdesk needs
 * a handful of series, and every label set is bounded by the caller (route patterns, channel
 * kinds, status classes), never raw paths or ids.
 */

type Labels = Record<string, string>;

/** Prometheus label values escape backslash, double quote and newline. */
const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labelText(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return '';
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

const keyOf = (labels: Labels) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

interface Metric {
  render(): string[] | Promise<string[]>;
}

/** A monotonically increasing count per label set. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
  /** The current value of one label set (tests, health pages). */
  get(labels?: Labels): number;
}

/** Observations bucketed by upper bound, with their sum and count. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

/** The registry a process exposes at /metrics. */
export interface MetricsRegistry {
  counter(name: string, help: string): Counter;
  histogram(name: string, help: string, buckets: number[]): Histogram;
  /** A gauge read when scraped: `collect` returns its current value(s). */
  gauge(name: string, help: string, collect: () => number | Promise<number> | { labels: Labels; value: number }[]): void;
  /** The whole registry in Prometheus text format. */
  render(): Promise<string>;
}

export function createMetricsRegistry(): MetricsRegistry {
  const metrics: Metric[] = [];
  const header = (name: string, help: string, type: string) => [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];

  return {
    counter(name, help) {
      const values = new Map<string, { labels: Labels; value: number }>();
      metrics.push({
        render: () => [...header(name, help, 'counter'), ...[...values.values()].map((v) => `${name}${labelText(v.labels)} ${v.value}`)],
      });
      return {
        inc(labels = {}, by = 1) {
          const key = keyOf(labels);
          const entry = values.get(key);
          if (entry) entry.value += by;
          else values.set(key, { labels: { ...labels }, value: by });
        },
        get: (labels = {}) => values.get(keyOf(labels))?.value ?? 0,
      };
    },
    histogram(name, help, buckets) {
      const bounds = [...buckets].sort((a, b) => a - b);
      const series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
      metrics.push({
        render() {
          const lines = header(name, help, 'histogram');
          for (const s of series.values()) {
            // Buckets are cumulative in the exposition format.
            let cumulative = 0;
            bounds.forEach((bound, i) => {
              cumulative += s.counts[i]!;
              lines.push(`${name}_bucket${labelText(s.labels, ['le', String(bound)])} ${cumulative}`);
            });
            lines.push(`${name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
            lines.push(`${name}_sum${labelText(s.labels)} ${s.sum}`);
            lines.push(`${name}_count${labelText(s.labels)} ${s.count}`);
          }
          return lines;
        },
      });
      return {
        observe(labels, value) {
          const key = keyOf(labels);
          let s = series.get(key);
          if (!s) series.set(key, (s = { labels: { ...labels }, counts: bounds.map(() => 0), sum: 0, count: 0 }));
          const index = bounds.findIndex((bound) => value <= bound);
          if (index >= 0) s.counts[index]! += 1;
          s.sum += value;
          s.count += 1;
        },
      };
    },
    gauge(name, help, collect) {
      metrics.push({
        async render() {
          const result = await collect();
          const values = typeof result === 'number' ? [{ labels: {}, value: result }] : result;
          return [...header(name, help, 'gauge'), ...values.map((v) => `${name}${labelText(v.labels)} ${v.value}`)];
        },
      });
    },
    async render() {
      const blocks = await Promise.all(metrics.map((m) => m.render()));
      return `${blocks.flat().join('\n')}\n`;
    },
  };
}
