/**
 * Orders from the company's HTTP order API through the real pipeline on SQLite: answered from the
 * API when it is up; when it is down, the customer is told plainly and a ticket is opened for a
 * person, whichever way the engine treats the failing tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_SYSTEM_UNAVAILABLE_TEXT } from '../../src/core/order-tools.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { sendJson, startLocalHttp, type LocalHttpServer } from '../support/local-http.ts';

const MAPPING = JSON.stringify({
  order: 'order',
  fields: {
    id: 'number',
    contactEmail: 'customer.email',
    status: { path: 'state', map: { open: 'processing', fulfilled: 'shipped' } },
    placedAt: 'created_at',
    currency: 'currency',
    totalCents: { path: 'total', unit: 'major' },
    items: { path: 'lines', name: 'title', quantity: 'qty' },
    shippedAt: 'shipped_at',
    carrier: 'carrier',
    trackingNumber: 'tracking',
  },
});

let api: LocalHttpServer;
let up = false;
const env = () => ({ ORDERS_API_URL: `${api.url}/orders/{orderId}`, ORDERS_API_MAPPING: MAPPING, ORDERS_API_AUTH_HEADER: 'X-Api-Key: k-123' });

beforeAll(async () => {
  api = await startLocalHttp((req, res) => {
    if (!up) return sendJson(res, 503, { error: 'maintenance' });
    if (req.url !== '/orders/NW-20001') return sendJson(res, 404, { error: 'no such order' });
    sendJson(res, 200, {
      order: {
        number: 'NW-20001',
        state: 'fulfilled',
        created_at: '2026-11-20T10:00:00Z',
        currency: 'USD',
        total: '54.00',
        customer: { email: 'kim@example.com' },
        lines: [{ title: 'Tandem pedals', qty: 1 }],
        shipped_at: '2026-11-22T09:00:00Z',
        carrier: 'Velo Express',
        tracking: 'VX-778812',
      },
    });
  });
});
afterAll(async () => api.close());

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('orders from an HTTP order API', () => {
  type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
  let fd: Frontdesk;
  let staff: string;
  beforeAll(async () => {
    fd = await createTestFrontdesk({ env: env() });
    staff = (await createApiToken(fd.store, fd.clock, { name: 'test' })).token;
  });
  afterAll(async () => fd.stop());

  async function ask(text: string) {
    const started = await fd.app.request('/v1/conversations', json({ email: 'kim@example.com' }));
    const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
    const res = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json({ text }, { authorization: `Bearer ${visitorToken}` }));
    expect(res.status).toBe(200);
    const { reply } = (await res.json()) as { reply: { text: string; agentName: string } };
    const detail = await (await fd.app.request(`/v1/conversations/${conversation.id}`, { headers: { authorization: `Bearer ${staff}` } })).json();
    return { reply, detail };
  }

  it('tells the customer the order system is unavailable and opens a ticket when the API is down', async () => {
    up = false;
    const before = api.requests.length;
    const { reply, detail } = await ask('Where is my order NW-20001?');
    // Asked the API (with retries), not the demo table.
    expect(api.requests.slice(before).map((r) => r.url)).toEqual(['/orders/NW-20001', '/orders/NW-20001', '/orders/NW-20001']);
    expect(api.requests.at(-1)!.headers['x-api-key']).toBe('k-123');
    expect(reply.text).toBe(ORDER_SYSTEM_UNAVAILABLE_TEXT);
    expect(reply.agentName).toBe('escalation');
    expect(detail.conversation.owner).toBe('human');
    expect(detail.tickets).toHaveLength(1);
    expect(detail.tickets[0]).toMatchObject({ category: 'order_system_unavailable', status: 'escalated', summary: 'Where is my order NW-20001?' });
  });

  it('answers from the API once it is back', async () => {
    up = true;
    // The order's email in the question is the "order number + email" check a web visitor passes.
    const { reply, detail } = await ask('Where is my order NW-20001? It is kim@example.com');
    expect(reply.agentName).toBe('orders');
    expect(reply.text).toContain('NW-20001');
    expect(reply.text).toContain('Velo Express');
    expect(detail.tickets).toEqual([]);
  });
});

describe('an engine that answers despite the failing order tool', () => {
  it('is overridden: the customer hears the order system is unavailable, and a ticket is opened', async () => {
    up = false;
    const engine = scriptedEngine(async ({ tools }) => {
      // Like a model engine, which shows the tool error to the model and lets it answer anyway.
      const note = await tools.lookupOrder('NW-20001').then(
        () => 'found',
        () => 'lookup failed',
      );
      return { agent: 'orders', route: 'orders', confidence: 0.9, text: `Please try again later (${note}).`, state: null };
    });
    const fd = await createTestFrontdesk({ env: { ...env(), ORDERS_RETRIES: '0' }, engine });
    try {
      const { conversation } = await fd.pipeline.start({ channel: 'web', from: { address: 'visitor-1', email: 'kim@example.com' } });
      const { reply } = await fd.pipeline.receive({
        channel: 'web',
        from: { address: 'visitor-1' },
        thread: { conversationId: conversation.id },
        text: 'Where is NW-20001?',
        attachments: [],
        receivedAt: fd.clock.now(),
      });
      const message = await reply;
      expect(message?.text).toBe(ORDER_SYSTEM_UNAVAILABLE_TEXT);
      const tickets = await fd.store.repo.listTickets({ conversationId: conversation.id });
      expect(tickets.map((t) => [t.category, t.status])).toEqual([['order_system_unavailable', 'escalated']]);
      expect((await fd.store.repo.getConversation(conversation.id))?.owner).toBe('human');
    } finally {
      await fd.stop();
    }
  });
});
