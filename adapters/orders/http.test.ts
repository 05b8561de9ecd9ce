import { afterEach, describe, expect, it } from 'vitest';
import { OrderSourceError } from '../../src/core/errors.ts';
import { sendJson, startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../../test/support/local-http.ts';
import type { ServerResponse } from 'node:http';
import { withOrderCache } from './cache.ts';
import { createHttpOrderSource } from './http.ts';
import { parseOrderMapping } from './mapping.ts';

/** A bicycle shop's order API, as a typical shop answers: wrapped objects, decimal prices, its own states. */
const MAPPING = parseOrderMapping(
  {
    order: 'order',
    orders: 'orders',
    fields: {
      id: 'name',
      contactEmail: 'customer.email',
      status: { path: 'state', map: { open: 'processing', fulfilled: 'shipped', completed: 'delivered', void: 'cancelled' } },
      placedAt: 'created_at',
      currency: 'currency',
      totalCents: { path: 'total', unit: 'major' },
      items: { path: 'lines', name: 'title', quantity: 'qty', sku: 'sku', priceCents: { path: 'price', unit: 'major' } },
      shippedAt: { path: 'shipment.shipped_at', unit: 'seconds' },
      carrier: 'shipment.carrier',
      trackingNumber: 'shipment.tracking',
    },
  },
  'the test mapping',
);

const shopOrder = (name: string, email: string, extra: Record<string, unknown> = {}) => ({
  name,
  state: 'fulfilled',
  created_at: '2025-11-03T14:21:07Z',
  currency: 'eur',
  total: '64.90',
  customer: { email },
  lines: [
    { title: 'Bike bell', qty: 2, sku: 'BELL-1', price: '12.45' },
    { title: 'Chain oil', qty: 1, sku: null, price: '40.00' },
  ],
  shipment: { carrier: 'DHL', tracking: 'JD014600006281234567', shipped_at: 1_762_300_000 },
  ...extra,
});

const SECRET = 'Bearer s3cret-order-token';
let server: LocalHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(handle: (req: RecordedRequest, res: ServerResponse) => void) {
  server = await startLocalHttp(handle);
  return server;
}

function source(base: string, options: { timeoutMs?: number; maxResponseBytes?: number } = {}) {
  const waits: number[] = [];
  const orders = createHttpOrderSource(
    {
      url: `${base}/api/orders/{orderId}`,
      emailUrl: `${base}/api/orders?email={email}`,
      authHeader: { name: 'Authorization', value: SECRET },
      mapping: MAPPING,
      mappingSource: 'ORDERS_API_MAPPING',
    },
    { policy: { timeoutMs: options.timeoutMs ?? 5_000, maxResponseBytes: options.maxResponseBytes ?? 1_000_000 }, sleep: async (ms) => void waits.push(ms) },
  );
  return { orders, waits };
}

async function failure(promise: Promise<unknown>): Promise<OrderSourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OrderSourceError);
  expect((error as OrderSourceError).code).toBe('order_source_unavailable');
  return error as OrderSourceError;
}

describe('HTTP order source', () => {
  it('maps an order and a customer\'s orders through the declarative mapping, with the auth header and URL-encoded values', async () => {
    const { url, requests } = await serve((req, res) => {
      if (req.url === '/api/orders/B%2F1001%20x') return sendJson(res, 200, { order: shopOrder('B/1001 x', 'ana+bikes@example.com') });
      if (req.url === '/api/orders?email=ana%2Bbikes%40example.com') {
        return sendJson(res, 200, {
          orders: [
            shopOrder('B-1001', 'ana+bikes@example.com', { created_at: '2025-10-01T10:00:00Z' }),
            shopOrder('B-1002', 'ANA+bikes@example.com', { state: 'open', shipment: null, created_at: '2025-11-20T10:00:00Z' }),
            // A loose search on the shop's side must not leak someone else's order.
            shopOrder('B-1003', 'someone.else@example.com'),
          ],
        });
      }
      sendJson(res, 404, { error: 'not found' });
    });
    const { orders } = source(url);

    expect(await orders.getOrder('B/1001 x')).toEqual({
      id: 'B/1001 x',
      contactEmail: 'ana+bikes@example.com',
      contactPhone: null,
      status: 'shipped',
      items: [
        { name: 'Bike bell', sku: 'BELL-1', quantity: 2, priceCents: 1245 },
        { name: 'Chain oil', sku: '', quantity: 1, priceCents: 4000 },
      ],
      totalCents: 6490,
      currency: 'EUR',
      placedAt: Date.parse('2025-11-03T14:21:07Z'),
      shippedAt: 1_762_300_000_000,
      deliveredAt: null,
      estimatedDelivery: null,
      carrier: 'DHL',
      trackingNumber: 'JD014600006281234567',
    });
    expect(requests[0]!.headers.authorization).toBe(SECRET);
    expect(requests[0]!.headers.accept).toBe('application/json');

    const list = await orders.ordersForEmail('ana+bikes@example.com');
    expect(list.map((o) => [o.id, o.status])).toEqual([
      ['B-1002', 'processing'],
      ['B-1001', 'shipped'],
    ]);
    expect(list[0]!.carrier).toBeNull();
  });

  it('answers null and [] for 404, without retrying', async () => {
    const { url, requests } = await serve((_req, res) => sendJson(res, 404, { error: 'not found' }));
    const { orders } = source(url);
    expect(await orders.getOrder('B-404')).toBeNull();
    expect(await orders.ordersForEmail('nobody@example.com')).toEqual([]);
    expect(requests).toHaveLength(2);
  });

  it('gives up after the timeout when the API never answers, without retrying', async () => {
    const { url, requests } = await serve(() => {
      // never answers
    });
    const { orders } = source(url, { timeoutMs: 150 });
    const error = await failure(orders.getOrder('B-1001'));
    expect(error.reason).toBe('timeout');
    expect(error.message).toMatch(/no answer within 150 ms/);
    expect(requests).toHaveLength(1);
  });

  it('retries a 500 and a 429 (honouring Retry-After up to the cap), then answers', async () => {
    let calls = 0;
    const { url, requests } = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) return sendJson(res, 500, { error: 'boom' });
      if (calls === 2) return sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '1' });
      sendJson(res, 200, { order: shopOrder('B-1001', 'ana@example.com') });
    });
    const { orders, waits } = source(url);
    expect((await orders.getOrder('B-1001'))?.id).toBe('B-1001');
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([200, 1000]); // backoff, then the server's Retry-After
  });

  it('fails clearly when the API keeps answering 5xx', async () => {
    const { url, requests } = await serve((_req, res) => sendJson(res, 503, { error: 'maintenance' }, { 'retry-after': '3600' }));
    const { orders, waits } = source(url);
    const error = await failure(orders.getOrder('B-1001'));
    expect(error.reason).toBe('http_status');
    expect(error.message).toMatch(/HTTP 503 \(after 3 attempts\)/);
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([2000, 2000]); // an hour's Retry-After is capped
  });

  it('retries when the connection is refused, then fails as a network error', async () => {
    const { url } = await serve(() => undefined);
    await server!.close();
    server = null;
    const { orders, waits } = source(url);
    const error = await failure(orders.ordersForEmail('ana@example.com'));
    expect(error.reason).toBe('network');
    expect(waits).toHaveLength(2);
  });

  it('refuses an HTML page instead of JSON', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><body><h1>Log in</h1></body></html>');
    });
    const error = await failure(source(url).orders.getOrder('B-1001'));
    expect(error.reason).toBe('bad_body');
    expect(error.message).toMatch(/an HTML page instead of JSON/);
  });

  it('stops reading a body over the size limit, declared or streamed', async () => {
    const huge = JSON.stringify({ order: shopOrder('B-1001', 'ana@example.com', { padding: 'x'.repeat(2_000_000) }) });
    const { url } = await serve((req, res) => {
      if (req.url.includes('declared')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(huge)) });
        return res.end(huge);
      }
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length announced
      for (let i = 0; i < huge.length; i += 65_536) res.write(huge.slice(i, i + 65_536));
      res.end();
    });
    const { orders } = source(url, { maxResponseBytes: 1_000_000 });
    for (const id of ['declared', 'streamed']) {
      const error = await failure(orders.getOrder(id));
      expect(error.reason).toBe('too_large');
      expect(error.message).toMatch(/larger than 1000000 bytes/);
    }
  });

  it('names the field and path when the answer misses a required field, never the values', async () => {
    const { url } = await serve((_req, res) => sendJson(res, 200, { order: shopOrder('B-1001', 'ana@example.com', { customer: { phone: '+15550100' } }) }));
    const error = await failure(source(url).orders.getOrder('B-1001'));
    expect(error.reason).toBe('mapping');
    expect(error.message).toBe(
      'The order API (one order): the mapping\'s contactEmail ("customer.email") is missing in the answer; check ORDERS_API_MAPPING',
    );
  });

  it('says which setting to check when the API refuses the credentials, without the secret', async () => {
    const { url } = await serve((_req, res) => sendJson(res, 401, { error: 'bad token' }));
    const error = await failure(source(url).orders.getOrder('B-1001'));
    expect(error.reason).toBe('unauthorized');
    expect(error.message).toMatch(/ORDERS_API_AUTH_HEADER \(Authorization\)/);
    expect(error.message).not.toContain('s3cret');
  });

  it('does not follow a redirect (the auth header would go along)', async () => {
    const { url, requests } = await serve((req, res) => {
      res.writeHead(302, { location: 'https://elsewhere.example/api/orders/B-1001' });
      res.end();
    });
    const error = await failure(source(url).orders.getOrder('B-1001'));
    expect(error.message).toMatch(/answered a redirect \(HTTP 302\)/);
    expect(requests).toHaveLength(1);
  });

  it('reuses answers for a short while (cache) but never failures', async () => {
    let healthy = false;
    const { url, requests } = await serve((_req, res) => (healthy ? sendJson(res, 200, { order: shopOrder('B-1001', 'ana@example.com') }) : sendJson(res, 400, {})));
    let now = 0;
    const orders = withOrderCache(source(url).orders, { ttlMs: 30_000, clock: { now: () => now } });
    await failure(orders.getOrder('B-1001'));
    healthy = true;
    expect((await orders.getOrder('B-1001'))?.id).toBe('B-1001'); // the failure was not cached
    expect((await orders.getOrder('B-1001'))?.id).toBe('B-1001');
    expect(requests).toHaveLength(2);
    now = 30_001;
    await orders.getOrder('B-1001');
    expect(requests).toHaveLength(3);
  });
});
