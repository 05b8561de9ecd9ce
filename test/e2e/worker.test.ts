/**
 * The Workers build (wrangler.toml, src/entry/worker.ts) in local workerd, driven over HTTP as a
 * browser and the widget would: a web conversation answered inside the Durable Object, with and
 * without `?wait=1` (then the reply comes on the event stream, computed after the response was
 * sent), stored in the object's SQLite across a restart, static assets served beside it, and the
 * Cron Trigger's sweep; and the Store contract run inside workerd on the Durable Object store
 * (test/workers). Nothing reaches the network (test/support/wrangler.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../support/sse.ts';
import { buildWorker, startLocalWorker, type LocalWorker } from '../support/wrangler.ts';

let worker: LocalWorker;
const persistTo = mkdtempSync(join(tmpdir(), 'frontdesk-worker-'));

beforeAll(async () => {
  await buildWorker();
  worker = await startLocalWorker(persistTo);
});

afterAll(async () => {
  await worker?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

interface VisitorMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  authorKind: string;
  text: string;
  route: string | null;
  deliveryStatus: string;
}

async function startConversation() {
  const res = await fetch(`${worker.url}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { conversation: { id: string }; visitorToken: string };
  return { id: body.conversation.id, headers: { authorization: `Bearer ${body.visitorToken}`, 'content-type': 'application/json' } };
}

async function messagesOf(conversation: Awaited<ReturnType<typeof startConversation>>): Promise<VisitorMessage[]> {
  const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, { headers: conversation.headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: VisitorMessage[] }).messages;
}

describe('Frontdesk on Workers (wrangler dev --local)', () => {
  it('answers a web visitor with ?wait=1 in the response, from the knowledge base in the object\'s SQLite', async () => {
    const conversation = await startConversation();
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'What is your return policy?' }),
    });
    expect(res.status, worker.output()).toBe(200);
    const body = (await res.json()) as { message: VisitorMessage; reply: VisitorMessage };
    expect(body.message).toMatchObject({ direction: 'inbound', text: 'What is your return policy?' });
    expect(body.reply).toMatchObject({ direction: 'outbound', authorKind: 'bot', route: 'faq', deliveryStatus: 'delivered' });
    expect(body.reply.text).toMatch(/30 days/);
  });

  it('acknowledges without ?wait=1 and sends the reply, computed after the response, on the event stream', async () => {
    const conversation = await startConversation();
    // The stream is open before the message is sent; a deadline guards the read, not a sleep.
    const stream = await fetch(`${worker.url}/v1/conversations/${conversation.id}/events`, { headers: conversation.headers, signal: AbortSignal.timeout(30_000) });
    expect(stream.status).toBe(200);
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'Do you ship internationally?' }),
    });
    expect(res.status).toBe(202);
    const acknowledged = ((await res.json()) as { message: VisitorMessage }).message;
    const replied = (events: { event: string; data: string }[]) => events.some((e) => e.event === 'message' && (JSON.parse(e.data) as VisitorMessage).direction === 'outbound');
    const events = await readEvents(stream, replied);
    const reply = events.map((e) => (e.event === 'message' ? (JSON.parse(e.data) as VisitorMessage) : null)).find((m) => m?.direction === 'outbound')!;
    expect(reply).toMatchObject({ authorKind: 'bot', deliveryStatus: 'delivered' });
    expect(reply.text.length).toBeGreaterThan(20);
    // Stored too: the message list has the question and the answer, in order.
    expect((await messagesOf(conversation)).map((m) => m.id)).toEqual([acknowledged.id, reply.id]);
  });

  it('refuses a bad message with a 4xx JSON error and stores nothing', async () => {
    const conversation = await startConversation();
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, { method: 'POST', headers: conversation.headers, body: JSON.stringify({ text: '' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(await messagesOf(conversation)).toEqual([]);
  });

  it('serves the widget and the console as static assets, and never the boot file with the model', async () => {
    const widget = await fetch(`${worker.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    expect((await widget.text()).length).toBeGreaterThan(1000);
    for (const path of ['/console/', '/console/conversations/abc']) {
      const page = await fetch(`${worker.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(await page.text(), path).toContain('<div id=');
    }
    const boot = await fetch(`${worker.url}/_frontdesk/boot.json`);
    expect(boot.status).toBe(404);
    expect(await boot.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('runs the Cron Trigger\'s sweep in the object', async () => {
    const res = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    expect(res.status, worker.output()).toBe(200);
    expect(worker.output()).not.toMatch(/outbox drain failed|recovery failed|auto-resolve failed/);
  });

  it('passes the Store contract in workerd, on a fresh Durable Object\'s SQLite', async () => {
    const contract = await startLocalWorker(join(persistTo, 'contract'), join('test', 'workers', 'wrangler.contract.toml'));
    try {
      const res = await fetch(`${contract.url}/run`);
      expect(res.status, contract.output()).toBe(200);
      const outcomes = (await res.json()) as { name: string; ok: boolean; error?: string }[];
      expect(outcomes.length).toBeGreaterThanOrEqual(24);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    } finally {
      await contract.stop();
    }
  });

  it('keeps conversations in the Durable Object\'s SQLite across a restart of the runtime', async () => {
    const conversation = await startConversation();
    const sent = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'How long does a refund take?' }),
    });
    expect(sent.status).toBe(200);
    const before = await messagesOf(conversation);
    expect(before).toHaveLength(2);
    await worker.stop();
    worker = await startLocalWorker(persistTo);
    expect(await messagesOf(conversation)).toEqual(before);
  });
});
