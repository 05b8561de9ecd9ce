import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrderSourceError } from '../../src/core/errors.ts';
import { ROOT } from '../../test/support/paths.ts';
import { sendJson, startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../../test/support/local-http.ts';
import { createShopifyOrderSource } from './shopify.ts';

const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/shopify', name), 'utf8');
const TOKEN = 'shpat_0123456789abcdef0123456789abcdef';
const ENDPOINT = '/admin/api/2025-10/graphql.json';

let server: LocalHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** A local Shopify Admin GraphQL endpoint: checks the token and the path, answers recorded shapes. */
async function shopify(answer: (variables: { query: string; first: number; lines: number }, call: number) => [number, string]) {
  let calls = 0;
  server = await startLocalHttp((req: RecordedRequest, res) => {
    if (req.method !== 'POST' || req.url !== ENDPOINT) return sendJson(res, 404, { errors: 'Not Found' });
    if (req.headers['x-shopify-access-token'] !== TOKEN) return sendJson(res, 401, fixture('unauthorized.json'));
    const { query, variables } = JSON.parse(req.body) as { query: string; variables: { query: string; first: number; lines: number } };
    if (!query.includes('orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true)')) return sendJson(res, 400, { errors: 'unexpected query' });
    calls += 1;
    const [status, body] = answer(variables, calls);
    sendJson(res, status, body);
  });
  const waits: number[] = [];
  const source = (token = TOKEN) =>
    createShopifyOrderSource(
      { shopDomain: null, adminToken: token, apiVersion: '2025-10', apiUrl: server!.url },
      { sleep: async (ms) => void waits.push(ms) },
    );
  return { server, waits, source };
}

async function failure(promise: Promise<unknown>): Promise<OrderSourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OrderSourceError);
  return error as OrderSourceError;
}

describe('Shopify order source', () => {
  it('finds an order by its name, with tracking from the fulfilment', async () => {
    const { source, server: shop } = await shopify((v) => [200, v.query === 'name:#1001' ? fixture('order-by-name.json') : fixture('no-orders.json')]);
    const order = await source().getOrder('1001');
    expect(order).toEqual({
      id: '#1001',
      contactEmail: 'ana.lima@example.com',
      contactPhone: null,
      status: 'shipped',
      items: [
        { sku: 'TRJ-NAV-M', name: 'Trailhead Rain Jacket - Navy / M', quantity: 1, priceCents: 8900 },
        { sku: '', name: 'Merino Hiking Socks', quantity: 1, priceCents: 1585 },
      ],
      totalCents: 10485,
      currency: 'USD',
      placedAt: Date.parse('2025-11-03T14:21:07Z'),
      shippedAt: Date.parse('2025-11-04T17:40:00Z'),
      deliveredAt: null,
      estimatedDelivery: Date.parse('2025-11-07T00:00:00Z'),
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    });
    expect(JSON.parse(shop.requests[0]!.body).variables).toEqual({ query: 'name:#1001', first: 1, lines: 50 });
    expect(await source().getOrder('#9999')).toBeNull();
    // Not a name Shopify could have: not asked at all.
    expect(await source().getOrder('1001 OR email:*')).toBeNull();
    expect(shop.requests).toHaveLength(2);
  });

  it("lists a customer's orders by email, newest first, mapping cancelled and delivered", async () => {
    const { source, server: shop } = await shopify((v) => [200, v.query === 'email:ana.lima@example.com' ? fixture('orders-by-email.json') : fixture('no-orders.json')]);
    const orders = await source().ordersForEmail('ana.lima@example.com');
    expect(orders.map((o) => [o.id, o.status, o.totalCents])).toEqual([
      ['#1007', 'processing', 4290],
      ['#1004', 'cancelled', 0],
      ['#1001', 'delivered', 10485],
    ]);
    expect(orders[2]).toMatchObject({ deliveredAt: Date.parse('2025-11-06T15:12:09Z'), estimatedDelivery: null, carrier: 'UPS' });
    expect(JSON.parse(shop.requests[0]!.body).variables).toEqual({ query: 'email:ana.lima@example.com', first: 20, lines: 5 });
    expect(await source().ordersForEmail('nobody@example.com')).toEqual([]);
  });

  it('waits out THROTTLED for the restore time the cost reports, then answers', async () => {
    const { source, waits, server: shop } = await shopify((_v, call) => [200, call === 1 ? fixture('throttled.json') : fixture('order-by-name.json')]);
    expect((await source().getOrder('#1001'))?.id).toBe('#1001');
    expect(shop.requests).toHaveLength(2);
    // (562 requested − 442 available) / 100 per second = 1.2 s
    expect(waits).toEqual([1200]);
  });

  it('fails clearly when throttling does not pass within the retries', async () => {
    const { source, waits } = await shopify(() => [200, fixture('throttled.json')]);
    const error = await failure(source().getOrder('#1001'));
    expect(error.reason).toBe('throttled');
    expect(waits).toEqual([1200, 1200]);
  });

  it('names the token setting on 401, without the token', async () => {
    const { source, server: shop } = await shopify(() => [200, fixture('order-by-name.json')]);
    const error = await failure(source('shpat_wrong').getOrder('#1001'));
    expect(error.reason).toBe('unauthorized');
    expect(error.message).toMatch(/HTTP 401.*check SHOPIFY_ADMIN_TOKEN/);
    expect(error.message).not.toContain('shpat_');
    expect(shop.requests).toHaveLength(1); // a refused token is not retried
  });

  it('reports GraphQL errors without data', async () => {
    const { source } = await shopify(() => [200, JSON.stringify({ errors: [{ message: "Field 'returnStatus' doesn't exist on type 'Order'", extensions: { code: 'undefinedField' } }] })]);
    const error = await failure(source().ordersForEmail('ana.lima@example.com'));
    expect(error.reason).toBe('graphql');
    expect(error.message).toMatch(/Field 'returnStatus' doesn't exist/);
  });
});
