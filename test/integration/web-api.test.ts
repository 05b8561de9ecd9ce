/**
 * The web channel and staff API over HTTP, on a whole Frontdesk with the real embedded engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../src/core/staff-auth.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { streamText } from '../support/sse.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
let fd: Frontdesk;
let staffToken: string;

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function start(body: Record<string, unknown> = {}) {
  const res = await fd.app.request('/v1/conversations', json(body));
  expect(res.status).toBe(201);
  return (await res.json()) as { conversation: { id: string }; visitorToken: string };
}

async function ask(id: string, token: string, text: string) {
  const res = await fd.app.request(`/v1/conversations/${id}/messages?wait=1`, json({ text }, bearer(token)));
  expect(res.status).toBe(200);
  return (await res.json()) as { message: { id: string }; reply: { text: string; agentName: string; route: string; confidence: number } };
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
}

beforeAll(async () => {
  fd = await createTestFrontdesk();
  staffToken = (await createApiToken(fd.store, fd.clock, { name: 'test' })).token;
});
afterAll(async () => fd.stop());

describe('web channel', () => {
  it('answers an order question with the order agent and a confidence', async () => {
    const { conversation, visitorToken } = await start({ email: 'maria.lopez@example.com' });
    const { reply } = await ask(conversation.id, visitorToken, 'Where is my order NW-10003?');
    expect(reply.agentName).toBe('orders');
    expect(reply.route).toBe('orders');
    expect(reply.confidence).toBeGreaterThan(0.6);
    expect(reply.text).toContain('NW-10003');
  });

  it("reads the visitor's address where a message is posted, never on a poll", async () => {
    const { conversation, visitorToken } = await start();
    const repo = fd.store.repo;
    const read = repo.conversationWithCustomer;
    let addressReads = 0;
    repo.conversationWithCustomer = (id) => ((addressReads += 1), read(id));
    try {
      for (let poll = 0; poll < 3; poll += 1) {
        expect((await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers: bearer(visitorToken) })).status).toBe(200);
      }
      expect(addressReads).toBe(0);
      expect((await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({ text: 'hello?' }, bearer(visitorToken)))).status).toBe(202);
      expect(addressReads).toBe(1);
    } finally {
      repo.conversationWithCustomer = read;
    }
    await fd.pipeline.idle();
  });

  it('asks for a missing order id and remembers the question', async () => {
    const { conversation, visitorToken } = await start();
    const first = await ask(conversation.id, visitorToken, 'where is my package? it has not arrived');
    expect(first.reply.agentName).toBe('orders');
    expect(first.reply.text).toMatch(/order number/i);
    const second = await ask(conversation.id, visitorToken, 'NW-10004');
    expect(second.reply.text).toContain('NW-10004');
  });

  it('answers policy questions from the knowledge base', async () => {
    const { conversation, visitorToken } = await start();
    const { reply } = await ask(conversation.id, visitorToken, 'What is your return policy?');
    expect(reply.agentName).toBe('faq');
    expect(reply.text).toMatch(/30 days/);
  });

  it('escalates a complaint to humans with a ticket, and stops answering', async () => {
    const { conversation, visitorToken } = await start();
    const { reply } = await ask(conversation.id, visitorToken, 'I want to speak to a real person, not a bot. Get me a human agent now.');
    expect(reply.agentName).toBe('escalation');
    const detail = await (await fd.app.request(`/v1/conversations/${conversation.id}`, { headers: bearer(staffToken) })).json();
    expect(detail.conversation.owner).toBe('human');
    expect(detail.tickets[0].status).toBe('escalated');
    const after = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json({ text: 'hello?' }, bearer(visitorToken)));
    expect((await after.json()).reply).toBeNull();
  });

  it('returns 202 with the stored message without wait, and lists messages', async () => {
    const { conversation, visitorToken } = await start();
    const res = await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({ text: 'do you ship to canada?' }, bearer(visitorToken)));
    expect(res.status).toBe(202);
    await fd.pipeline.idle();
    const list = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers: bearer(visitorToken) })).json();
    expect(list.messages.map((m: { direction: string }) => m.direction)).toEqual(['inbound', 'outbound']);
    expect(list.messages[1].deliveryStatus).toBe('delivered');
  });

  it('treats a retried post with the same client id once', async () => {
    const { conversation, visitorToken } = await start();
    const body = { text: 'What payment methods do you accept?', clientMessageId: 'c-1' };
    const a = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json(body, bearer(visitorToken)))).json();
    const b = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json(body, bearer(visitorToken)))).json();
    expect(b.duplicate).toBe(true);
    expect(b.message.id).toBe(a.message.id);
    const list = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers: bearer(visitorToken) })).json();
    expect(list.messages).toHaveLength(2);
  });

  it('streams replies and status changes over SSE', async () => {
    const { conversation, visitorToken } = await start();
    const res = await fd.app.request(`/v1/conversations/${conversation.id}/events?token=${visitorToken}`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const stream = streamText(res);
    await stream.until(/event: ready/);
    await ask(conversation.id, visitorToken, 'how much does shipping cost?');
    await stream.until(/event: message[\s\S]*"direction":"outbound"/);
    expect(stream.seen()).toMatch(/event: typing/);
    await stream.cancel();
  });
});

describe('bad input', () => {
  it('rejects malformed JSON, missing fields, wrong types and unknown fields of value', async () => {
    await expectError(await fd.app.request('/v1/conversations', json('{"email": ')), 400, 'invalid_json');
    await expectError(await fd.app.request('/v1/conversations', json({ email: 'not-an-email' })), 400, 'invalid_input');
    await expectError(await fd.app.request('/v1/conversations', { method: 'POST', body: 'x' }), 400, 'unsupported_media_type');
    const { conversation, visitorToken } = await start();
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({}, bearer(visitorToken))), 400, 'invalid_input');
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({ text: 42 }, bearer(visitorToken))), 400, 'invalid_input');
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({ text: '   ' }, bearer(visitorToken))), 400, 'invalid_input');
  });

  it('rejects oversize bodies, long messages, control characters and non-UTF-8, storing nothing', async () => {
    const { conversation, visitorToken } = await start();
    const url = `/v1/conversations/${conversation.id}/messages`;
    await expectError(await fd.app.request(url, json({ text: 'a'.repeat(100_000) }, bearer(visitorToken))), 413, 'payload_too_large');
    await expectError(await fd.app.request(url, json({ text: 'b'.repeat(9_000) }, bearer(visitorToken))), 400, 'invalid_input');
    await expectError(await fd.app.request(url, json({ text: 'bell \u0007 here' }, bearer(visitorToken))), 400, 'invalid_input');
    const latin1 = new Uint8Array([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]); // {"text":"é"} in Latin-1
    await expectError(await fd.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(visitorToken) }, body: latin1 }), 400, 'invalid_encoding');
    const list = await (await fd.app.request(url, { headers: bearer(visitorToken) })).json();
    expect(list.messages).toEqual([]);
  });

  it('refuses unknown conversations, wrong visitor tokens and bad staff tokens', async () => {
    const { conversation } = await start();
    const other = await start();
    await expectError(await fd.app.request('/v1/conversations/nope/messages', { headers: bearer(other.visitorToken) }), 404, 'conversation_not_found');
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/messages`, {}), 401, 'unauthorized');
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers: bearer(other.visitorToken) }), 403, 'wrong_visitor_token');
    await expectError(await fd.app.request('/v1/conversations', { headers: bearer('fd_wrong') }), 401, 'invalid_token');
    const expired = await createApiToken(fd.store, { now: () => Date.now() - 10_000 }, { name: 'old', ttlMs: 1_000 });
    await expectError(await fd.app.request('/v1/conversations', { headers: bearer(expired.token) }), 401, 'token_expired');
    const revoked = await createApiToken(fd.store, fd.clock, { name: 'revoked' });
    expect((await fd.app.request('/v1/tickets', { headers: bearer(revoked.token) })).status).toBe(200);
    await revokeApiToken(fd.store, fd.clock, revoked.token);
    await expectError(await fd.app.request('/v1/tickets', { headers: bearer(revoked.token) }), 401, 'invalid_token');
    await expectError(await fd.app.request('/v1/tickets?status=weird', { headers: bearer(staffToken) }), 400, 'invalid_query');
    await expectError(await fd.app.request('/v1/nothing-here'), 404, 'route_not_found');
  });
});

describe('staff API', () => {
  it('takes over, replies as a human, resolves, and counts it in analytics apart from the bot', async () => {
    const { conversation, visitorToken } = await start();
    await ask(conversation.id, visitorToken, 'Can I pay with PayPal?');
    const staff = bearer(staffToken);
    const taken = await (await fd.app.request(`/v1/conversations/${conversation.id}/takeover`, { method: 'POST', headers: staff })).json();
    expect(taken.conversation.owner).toBe('human');
    const reply = await fd.app.request(`/v1/conversations/${conversation.id}/replies`, json({ text: 'Yes, PayPal works. — Sam' }, staff));
    expect(reply.status).toBe(201);
    const note = await fd.app.request(`/v1/conversations/${conversation.id}/replies`, json({ text: 'customer is VIP', internal: true }, staff));
    expect((await note.json()).message.internal).toBe(true);
    const visitorView = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages`, { headers: bearer(visitorToken) })).json();
    expect(visitorView.messages.map((m: { text: string }) => m.text)).toContain('Yes, PayPal works. — Sam');
    expect(visitorView.messages.map((m: { text: string }) => m.text)).not.toContain('customer is VIP');
    // The bot does not answer a human-owned conversation.
    const quiet = await (await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, json({ text: 'thanks!' }, bearer(visitorToken)))).json();
    expect(quiet.reply).toBeNull();
    await fd.app.request(`/v1/conversations/${conversation.id}/resolve`, { method: 'POST', headers: staff });
    const csat = await fd.app.request(`/v1/conversations/${conversation.id}/csat`, json({ rating: 5, comment: 'great' }, bearer(visitorToken)));
    expect(csat.status).toBe(201);
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/csat`, json({ rating: 4 }, bearer(visitorToken))), 409, 'already_rated');

    const analytics = await (await fd.app.request('/v1/analytics?channel=web', { headers: staff })).json();
    expect(analytics.total.resolved.human).toBeGreaterThanOrEqual(1);
    expect(analytics.total.firstResponseMs.bot).not.toBeNull();
    expect(analytics.total.firstResponseMs.human).not.toBeNull();
    expect(analytics.total.csat.count).toBeGreaterThanOrEqual(1);
    expect(analytics.channels.web.conversations).toBeGreaterThan(0);
  });

  it('keeps a human route correction as training data and rejects unknown routes', async () => {
    const { conversation, visitorToken } = await start();
    await ask(conversation.id, visitorToken, 'Do you have gift wrapping for a birthday present?');
    const staff = { ...bearer(staffToken), 'content-type': 'application/json' };
    await expectError(await fd.app.request(`/v1/conversations/${conversation.id}/route`, { method: 'POST', headers: staff, body: '{"route":"weather"}' }), 400, 'invalid_input');
    const res = await fd.app.request(`/v1/conversations/${conversation.id}/route`, { method: 'POST', headers: staff, body: '{"route":"orders"}' });
    expect((await res.json()).conversation.route).toBe('orders');
    expect(await fd.store.repo.listRouteCorrections()).toContainEqual({ text: 'Do you have gift wrapping for a birthday present?', toRoute: 'orders' });
    const analytics = await fd.store.repo.aggregateEvents(0, Date.now() + 1, 'web');
    expect(analytics.some((r) => r.type === 'route_corrected' && r.actor === 'human')).toBe(true);
  });

  it('lists and filters conversations and tickets, and updates a ticket', async () => {
    const { conversation, visitorToken } = await start();
    await ask(conversation.id, visitorToken, 'My refund still has not arrived after two weeks');
    const staff = bearer(staffToken);
    const billing = await (await fd.app.request('/v1/conversations?route=billing&channel=web', { headers: staff })).json();
    expect(billing.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);
    const tickets = await (await fd.app.request(`/v1/tickets?conversation=${conversation.id}`, { headers: staff })).json();
    expect(tickets.tickets[0].category).toBe('refund');
    const id = tickets.tickets[0].id;
    const patched = await fd.app.request(`/v1/tickets/${id}`, { method: 'PATCH', headers: { ...staff, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'in_progress', priority: 'high' }) });
    expect((await patched.json()).ticket).toMatchObject({ status: 'in_progress', priority: 'high' });
    await expectError(await fd.app.request(`/v1/tickets/${id}`, { method: 'PATCH', headers: { ...staff, 'content-type': 'application/json' }, body: '{}' }), 400, 'invalid_input');
  });
});
