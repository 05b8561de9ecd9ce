import { Hono } from 'hono';
import { timingSafeEqual } from 'node:crypto';
import type { MetricsRegistry } from './metrics.ts';

/**
 * GET /metrics for a Prometheus scraper holding METRICS_TOKEN. Anyone else gets the same 404 as
 * an unknown route, so the endpoint's existence is not advertised.
 */
export function createMetricsRoute(registry: MetricsRegistry, token: string) {
  const app = new Hono();
  const expected = Buffer.from(`Bearer ${token}`);
  app.get('/metrics', async (c) => {
    const given = Buffer.from(c.req.header('authorization') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return c.notFound();
    return c.body(await registry.render(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'cache-control': 'no-store' });
  });
  return app;
}
