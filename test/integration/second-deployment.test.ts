/**
 * A second deployment end to end: the bicycle shop of test/fixtures/deployments/bike-shop, with
 * routes, intents, articles, training examples and an HTTP order API unlike the demo's, on the
 * web and SMS channels with the real embedded engine. It passes only if no engine or core code
 * relies on a name of the demo store.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import { BIKE_SHOP_DIR } from '../support/deployment.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { sendJson, startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../support/local-http.ts';
import { CUSTOMER, fixture, postWebhook, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';

const ORDER_TOKEN = 'Bearer bike-shop-orders-token';

/** The shop's own order API, in its own JSON shape (mapped by orders.mapping in deployment.yaml). */
const SHOP_ORDERS = [
  {
    number: 'BK-2041',
    status: 'shipped',
    placed: '2026-11-18T09:30:00Z',
    currency: 'EUR',
    buyer: { email: 'anna@example.com', phone: '+31612345678' },
    lines: [{ name: 'Gravel bike Trail 2, size M', qty: 1, price: '1299.00' }],
    shipping: { sent: '2026-11-20T15:00:00Z', expected: '2026-11-25T12:00:00Z', carrier: 'PostNL', tracking: '3SPOKE0041' },
  },
  {
    number: 'BK-3107',
    status: 'in_workshop',
    placed: '2026-11-21T11:00:00Z',
    currency: 'EUR',
    buyer: { email: 'sam@example.com', phone: CUSTOMER },
    lines: [{ name: 'Commuter e-bike Volt', qty: 1, price: '2199.00' }, { name: 'Frame lock', qty: 1, price: '49.95' }],
    shipping: {},
  },
];

function orderApi(req: RecordedRequest, res: ServerResponse) {
  if (req.headers.authorization !== ORDER_TOKEN) return sendJson(res, 401, { error: 'unauthorized' });
  const url = new URL(req.url, 'http://shop');
  const byId = /^\/api\/orders\/([^/]+)$/.exec(url.pathname);
  if (byId) {
    const order = SHOP_ORDERS.find((o) => o.number === decodeURIComponent(byId[1]!));
    return order ? sendJson(res, 200, { order }) : sendJson(res, 404, { error: 'not found' });
  }
  if (url.pathname === '/api/orders') return sendJson(res, 200, { orders: SHOP_ORDERS.filter((o) => o.buyer.email === url.searchParams.get('email')) });
  return sendJson(res, 404, { error: 'not found' });
}

let orders: LocalHttpServer;
let twilio: TwilioApi;
let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;

beforeAll(async () => {
  orders = await startLocalHttp(orderApi);
  twilio = await startTwilioApi();
  const env = smsEnv(twilio.url, {
    FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR,
    ORDERS_API_URL: `${orders.url}/api/orders/{orderId}`,
    ORDERS_API_EMAIL_URL: `${orders.url}/api/orders?email={email}`,
    ORDERS_API_AUTH_HEADER: `Authorization: ${ORDER_TOKEN}`,
    ORDERS_CACHE_SECONDS: '0',
  });
  const config = loadConfig(env);
  fd = await createTestFrontdesk({ env, adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })] });
});

afterAll(async () => {
  await fd?.stop();
  await orders?.close();
  await twilio?.close();
});

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

interface Reply {
  text: string;
  agentName: string;
  route: string;
}

/** A web visitor's conversation: each `ask` waits for the bot's reply. */
async function webVisitor() {
  const res = await fd.app.request('/v1/conversations', json({}));
  expect(res.status).toBe(201);
  const { conversation, visitorToken } = (await res.json()) as { conversation: { id: string }; visitorToken: string };
  return {
    id: conversation.id,
    async ask(text: string): Promise<Reply> {
      const answer = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json({ text }, { authorization: `Bearer ${visitorToken}` }));
      expect(answer.status).toBe(200);
      return ((await answer.json()) as { reply: Reply }).reply;
    },
  };
}

describe('a second deployment (a bicycle shop) end to end', () => {
  it('loads its own deployment: its articles only, no demo orders, its channels only', async () => {
    expect(fd.deployment.name).toBe('bike-shop');
    expect(fd.deployment.isDemo).toBe(false);
    const slugs = (await fd.store.repo.listArticles()).map((a) => a.slug).sort();
    expect(slugs).toEqual(fd.deployment.articles.map((a) => a.slug).sort());
    expect(slugs).toContain('servicing-and-repairs');
    expect(await fd.store.repo.getOrder('NW-10001')).toBeNull();
    expect(fd.adapters.map((a) => a.kind).sort()).toEqual(['sms', 'web']);
  });

  it('books a repair on its own repair route with its own ticket rule', async () => {
    const visitor = await webVisitor();
    const reply = await visitor.ask('Hi, I would like to book a service for my bike please');
    expect(reply).toMatchObject({ route: 'repairs', agentName: 'workshop' });
    expect(reply.text).toMatch(/asked the workshop to book your repair \(ticket /);
    const [ticket] = await fd.store.repo.listTickets({ conversationId: visitor.id });
    expect(ticket).toMatchObject({ category: 'repair_booking', status: 'open' });
  });

  it('answers from its own articles', async () => {
    const visitor = await webVisitor();
    const hours = await visitor.ask('are you open on sundays?');
    expect(hours.route).toBe('faq');
    expect(hours.text).toMatch(/closed on Sunday and Monday/);
    const other = await webVisitor();
    const repair = await other.ask('how long does a repair take?');
    expect(repair.route).toBe('repairs');
    expect(repair.text).toMatch(/one to two working days/);
    expect(repair.text).toMatch(/Servicing and repairs/);
    const third = await webVisitor();
    const rental = await third.ask('do you rent e-bikes?');
    expect(rental.route).toBe('faq');
    expect(rental.text).toMatch(/an e-bike €35 per day/);
  });

  it('hands a complaint to people, its fallback route', async () => {
    const visitor = await webVisitor();
    const reply = await visitor.ask('I am very unhappy, the mechanic scratched my frame during the repair');
    expect(reply).toMatchObject({ route: 'people', agentName: 'people' });
    const [ticket] = await fd.store.repo.listTickets({ conversationId: visitor.id });
    expect(ticket).toMatchObject({ category: 'complaint', status: 'escalated' });
  });

  it('shows a web visitor an order from the shop API once they give the order email', async () => {
    const before = orders.requests.length;
    const visitor = await webVisitor();
    const asked = await visitor.ask('where is my order BK-2041?');
    expect(asked.route).toBe('orders');
    expect(asked.text).toBe('To keep your order private, what email address did you order with for BK-2041?');
    const wrong = await visitor.ask('it is sam@example.com');
    expect(wrong.text).toBe("That email doesn't match order BK-2041. Please check it and try again.");
    const shown = await visitor.ask('sorry, anna@example.com');
    expect(shown.text).toMatch(/^Order BK-2041 \(Gravel bike Trail 2, size M\) left us on .* with PostNL, tracking 3SPOKE0041/);
    // The order came from the shop's API, with its auth header, never from a demo table.
    const calls = orders.requests.slice(before);
    expect(calls.some((r) => r.url === '/api/orders/BK-2041')).toBe(true);
    expect(calls.every((r) => r.headers.authorization === ORDER_TOKEN)).toBe(true);
  });

  it('answers an SMS sender whose phone is the order’s, without asking for an email', async () => {
    const sent = twilio.requests.length;
    const params = fixture('inbound-sms.form', { Body: 'hi, any news on my order BK-3107?', MessageSid: `SM${'b'.repeat(31)}1` });
    const response = await postWebhook(fd.app, '/webhooks/sms', params);
    expect(response.status).toBe(200);
    await fd.pipeline.idle();
    await twilio.waitForRequests(sent + 1);
    const reply = twilio.requests[sent]!;
    expect(reply.form.get('To')).toBe(CUSTOMER);
    expect(reply.form.get('Body')).toBe('Order BK-3107 (Commuter e-bike Volt, Frame lock) is being built and checked in our workshop.');
  });

  it('keeps order details from an SMS sender whose phone is not the order’s', async () => {
    const sent = twilio.requests.length;
    const params = fixture('inbound-sms.form', { Body: 'where is order BK-2041', MessageSid: `SM${'b'.repeat(31)}2` });
    await postWebhook(fd.app, '/webhooks/sms', params);
    await fd.pipeline.idle();
    await twilio.waitForRequests(sent + 1);
    const body = twilio.requests[sent]!.form.get('Body')!;
    expect(body).not.toMatch(/PostNL|3SPOKE0041|Gravel/);
    expect(body).toMatch(/BK-2041/);
  });
});
