/**
 * Outgoing webhooks end to end: a receiver on node:http checks every request's signature exactly
 * as the README tells receivers to, while a web conversation, its messages, a ticket and a rating
 * happen. Delivery goes through the outbox: a 500 is retried (a settable clock stands in for the
 * backoff) and arrives once, 410 disables the subscription, a 400 fails visibly, a redirect is not
 * followed, a wrong secret is caught by the receiver, and a delivery left pending when the
 * process stops is sent after the store is opened again.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EVENT_ID_HEADER } from '../../adapters/webhooks/sign.ts';
import { run } from '../../src/cli/main.ts';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { User } from '../../src/core/types.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';
import { startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../support/local-http.ts';
import { ROOT } from '../support/paths.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { captureOutput } from '../support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-webhooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ALLOW_PRIVATE = { WEBHOOKS_ALLOW_PRIVATE_URLS: 'true' };
const MINUTE = 60_000;

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
interface Delivery {
  request: RecordedRequest;
  body: { id: string; type: string; createdAt: string; data: Record<string, unknown> };
  signed: boolean;
}

/** The README's verification recipe, run as written (its import line supplied as arguments). */
function readmeVerifier(): (secret: string, header: string, rawBody: string) => boolean {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const code = /\*\*Verifying a request\*\*[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('README has no verification recipe');
  const body = code.replace(/^import .*\n/m, '');
  return new Function('createHmac', 'timingSafeEqual', `${body}\nreturn fromFrontdesk;`)(createHmac, timingSafeEqual);
}
const fromFrontdesk = readmeVerifier();

/**
 * The test receiver: verifies each request with `secret` exactly as the README tells receivers
 * to, answers with the next scripted status (then 200), and lets the test await the n-th request.
 */
async function startReceiver(secret: () => string, script: number[] = []) {
  const deliveries: Delivery[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const server: LocalHttpServer = await startLocalHttp((request, res: ServerResponse) => {
    const signed = fromFrontdesk(secret(), String(request.headers['frontdesk-signature'] ?? ''), request.body);
    deliveries.push({ request, body: JSON.parse(request.body) as Delivery['body'], signed });
    const status = script.shift() ?? (signed ? 200 : 401);
    res.writeHead(status, { 'content-type': 'text/plain', ...(status === 302 ? { location: `${server.url}/elsewhere` } : {}), ...(status === 500 ? { 'retry-after': '2' } : {}) });
    res.end(status === 400 ? 'payload not understood' : 'ok');
    for (const w of waiters.filter((w) => deliveries.length >= w.n)) w.resolve();
  });
  return {
    server,
    deliveries,
    /** Resolves once `n` requests have arrived (at once if they have). */
    received(n: number) {
      return new Promise<void>((resolve) => (deliveries.length >= n ? resolve() : waiters.push({ n, resolve })));
    },
  };
}

let fd: Frontdesk | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await fd?.stop();
  await receiver?.server.close();
  fd = undefined;
  receiver = undefined;
});

const escalatingEngine = scriptedEngine(() => ({
  agent: 'escalation',
  route: 'escalation',
  confidence: 0.9,
  text: 'A colleague will take it from here.',
  ticket: { category: 'complaint', priority: 'high', summary: 'Customer Ada Lovelace wants a person', status: 'escalated' },
  handoff: { reason: 'asked for a person' },
}));

async function adminToken(frontdesk: Frontdesk, role: User['role'] = 'admin') {
  const user = await frontdesk.store.repo.createUser({ id: newId(), email: `${role}-${newId()}@northwind.example`, name: role, role, passwordHash: null, slackUserId: null, createdAt: Date.now() });
  return (await createApiToken(frontdesk.store, frontdesk.clock, { name: role, userId: user.id })).token;
}

async function api(frontdesk: Frontdesk, token: string, method: string, path: string, body?: unknown) {
  const res = await frontdesk.app.request(`/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as Record<string, any>) };
}

async function subscribe(frontdesk: Frontdesk, url: string, events: string[], secret?: string) {
  const { status, json } = await api(frontdesk, await adminToken(frontdesk), 'POST', '/webhooks', { url, events, ...(secret ? { secret } : {}) });
  expect(status, JSON.stringify(json)).toBe(201);
  return { id: json!.webhook.id as string, secret: json!.secret as string };
}

async function startWebConversation(frontdesk: Frontdesk, email = 'ada@example.com') {
  const res = await frontdesk.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada Lovelace', email }) });
  expect(res.status).toBe(201);
  return (await res.json()) as { conversation: { id: string }; visitorToken: string };
}

describe('outgoing webhooks', () => {
  it('announces a web conversation: created, messages, ticket, handoff and rating, each signed, with minimal customer data', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret);
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE, engine: escalatingEngine });
    ({ secret } = await subscribe(fd, `${receiver.server.url}/hooks`, ['conversation.created', 'conversation.updated', 'message.created', 'ticket.created', 'ticket.updated', 'csat.created']));
    expect(secret).toMatch(/^whsec_/);

    const { conversation, visitorToken } = await startWebConversation(fd);
    const posted = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ text: 'My parcel never came, I want a person.' }),
    });
    expect(posted.status).toBe(200);
    const rated = await fd.app.request(`/v1/conversations/${conversation.id}/csat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
      body: JSON.stringify({ rating: 4, comment: 'Ada here, call me on +44 20 7946 0000' }),
    });
    expect(rated.status).toBe(201);
    // created; inbound message; ticket, reply and handoff (one transaction); rating.
    await receiver.received(6);
    await fd.deliveriesIdle();

    const byType: Record<string, Delivery[]> = {};
    for (const d of receiver.deliveries) (byType[d.body.type] ??= []).push(d);
    expect(Object.keys(byType).sort()).toEqual(['conversation.created', 'conversation.updated', 'csat.created', 'message.created', 'ticket.created']);
    expect(byType['message.created']!.map((d) => [d.body.data.direction, d.body.data.text])).toEqual([
      ['inbound', 'My parcel never came, I want a person.'],
      ['outbound', expect.stringContaining('A colleague will take it from here.')],
    ]);
    expect(byType['conversation.updated']![0]!.body.data).toMatchObject({ id: conversation.id, owner: 'human', status: 'pending', changed: ['status', 'owner'] });
    expect(byType['ticket.created']![0]!.body.data).toMatchObject({ conversationId: conversation.id, status: 'escalated', priority: 'high', number: expect.any(Number) });
    expect(byType['csat.created']![0]!.body.data).toMatchObject({ conversationId: conversation.id, rating: 4 });

    for (const d of receiver.deliveries) {
      expect(d.signed, d.body.type).toBe(true);
      expect(d.request.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(d.body.id);
      expect(d.request.headers['frontdesk-event-type']).toBe(d.body.type);
      expect(new Date(d.body.createdAt).toISOString()).toBe(d.body.createdAt);
      expect(d.body.data).toMatchObject({ ...(d.body.type.startsWith('conversation.') ? { channel: 'web' } : {}) });
      // Minimal customer data: no name, email, phone, ticket summary or rating comment anywhere.
      expect(d.request.body).not.toMatch(/Lovelace|ada@example\.com|\+44|summary|comment/);
    }
    expect(new Set(receiver.deliveries.map((d) => d.body.id)).size).toBe(receiver.deliveries.length);

    // Staff see each delivery as sent.
    const shown = await api(fd, await adminToken(fd), 'GET', `/webhooks/${(await fd.store.repo.listWebhookSubscriptions())[0]!.id}`);
    expect(shown.json!.deliveries.map((d: { status: string }) => d.status)).toEqual(Array(6).fill('sent'));
    expect(shown.json!.webhook).not.toHaveProperty('secret');
  });

  it('retries after a 500 (honouring Retry-After) and delivers once, with the same event id', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret, [500]);
    const clock = manualClock(Date.now());
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE, clock });
    let id: string;
    ({ id, secret } = await subscribe(fd, receiver.server.url, ['conversation.created']));
    await startWebConversation(fd);
    await receiver.received(1);
    await fd.deliveriesIdle();
    await fd.sweep(); // not due yet: Retry-After asked for 2 s
    const [pending] = await fd.store.repo.listJobs({ subscriptionId: id });
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('http_500') });
    expect(pending!.runAt - clock.now()).toBeGreaterThanOrEqual(2_000);

    clock.advance(2_000);
    await fd.outbox.drain();
    expect(receiver.deliveries).toHaveLength(2);
    clock.advance(60 * MINUTE);
    await fd.outbox.drain();
    expect(receiver.deliveries.map((d) => d.request.headers['frontdesk-event-id'])).toEqual([receiver.deliveries[0]!.body.id, receiver.deliveries[0]!.body.id]);
    expect(receiver.deliveries.every((d) => d.signed)).toBe(true);
    expect((await fd.store.repo.listJobs({ subscriptionId: id }))[0]).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('disables a subscription whose receiver answers 410 Gone, and records nothing more for it', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret, [410]);
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE });
    let id: string;
    ({ id, secret } = await subscribe(fd, receiver.server.url, ['conversation.created']));
    await startWebConversation(fd);
    await receiver.received(1);
    await fd.deliveriesIdle();
    expect(await fd.store.repo.getWebhookSubscription(id)).toMatchObject({ active: false, disabledReason: expect.stringContaining('410') });
    await startWebConversation(fd);
    expect(await fd.store.repo.listJobs({ subscriptionId: id })).toHaveLength(1);
    expect(receiver.deliveries).toHaveLength(1);
    // Turned back on by staff, it gets new events again.
    const token = await adminToken(fd);
    expect((await api(fd, token, 'PATCH', `/webhooks/${id}`, { active: true })).json!.webhook).toMatchObject({ active: true, disabledReason: null });
    await startWebConversation(fd);
    await receiver.received(2);
    await fd.deliveriesIdle();
  });

  it('fails a 400, a redirect and a wrong signature at once, visibly, without retrying', async () => {
    const secrets = { sent: '', expected: 'whsec_receiver-knows-another-one' };
    receiver = await startReceiver(() => secrets.expected, [400, 302]);
    const clock = manualClock(Date.now());
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE, clock });
    const hook = await subscribe(fd, receiver.server.url, ['conversation.created'], 'whsec_frontdesk-has-this-one');
    await startWebConversation(fd);
    await receiver.received(1);
    await startWebConversation(fd);
    await receiver.received(2);
    await startWebConversation(fd);
    await receiver.received(3); // signed with a secret the receiver does not have: 401
    await fd.deliveriesIdle();
    clock.advance(24 * 60 * MINUTE);
    await fd.outbox.drain();

    expect(receiver.deliveries.map((d) => d.request.url)).toEqual(['/', '/', '/']); // the redirect was not followed
    expect(receiver.deliveries.map((d) => d.signed)).toEqual([false, false, false]);
    // With the right secret the same requests verify; a changed body does not.
    const first = receiver.deliveries[0]!;
    expect(fromFrontdesk(hook.secret, String(first.request.headers['frontdesk-signature']), first.request.body)).toBe(true);
    expect(fromFrontdesk(hook.secret, String(first.request.headers['frontdesk-signature']), first.request.body.replace('conversation', 'Conversation'))).toBe(false);

    const shown = await api(fd, await adminToken(fd), 'GET', `/webhooks/${hook.id}`);
    const errors = shown.json!.deliveries.map((d: { status: string; attempts: number; lastError: string }) => [d.status, d.attempts, d.lastError]);
    expect(errors).toEqual([
      ['failed', 1, expect.stringMatching(/^http_401/)],
      ['failed', 1, expect.stringMatching(/^http_302.*redirects are not followed/)],
      ['failed', 1, 'http_400: the receiver answered HTTP 400: payload not understood'],
    ]);
  });

  it('delivers a webhook left pending when the process stopped, after the store is opened again', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret, [503]);
    const env = { ...ALLOW_PRIVATE, SQLITE_PATH: join(dir, 'restart.db') };
    fd = await createTestFrontdesk({ env });
    let id: string;
    ({ id, secret } = await subscribe(fd, receiver.server.url, ['conversation.created']));
    await startWebConversation(fd);
    await receiver.received(1);
    await fd.deliveriesIdle();
    expect((await fd.store.repo.listJobs({ subscriptionId: id }))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    await fd.stop();

    // A new process, later: its first sweep sends what is due.
    fd = await createTestFrontdesk({ env, clock: manualClock(Date.now() + 10 * MINUTE) });
    await fd.sweep();
    await receiver.received(2);
    expect(receiver.deliveries[1]).toMatchObject({ signed: true, body: { id: receiver.deliveries[0]!.body.id, type: 'conversation.created' } });
    expect((await fd.store.repo.listJobs({ subscriptionId: id }))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

const pgReason = await postgresUnavailable();
describeWithService('PostgreSQL', pgReason)('outgoing webhooks on PostgreSQL, two replicas', () => {
  it('records events in the change transaction and delivers each once, whichever replica retries', async () => {
    const db = await createTestDatabase();
    let secret = '';
    receiver = await startReceiver(() => secret, [500]);
    const clock = manualClock(Date.now());
    const env = { ...ALLOW_PRIVATE, DATABASE_URL: db.url };
    fd = await createTestFrontdesk({ env, clock, engine: escalatingEngine });
    const other = await createTestFrontdesk({ env, clock, engine: escalatingEngine });
    try {
      let id: string;
      ({ id, secret } = await subscribe(fd, receiver.server.url, ['conversation.created', 'message.created', 'ticket.created']));
      const { conversation, visitorToken } = await startWebConversation(fd);
      await receiver.received(1); // conversation.created, answered 500
      await fd.deliveriesIdle();
      const posted = await other.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
        body: JSON.stringify({ text: 'Where is my parcel?' }),
      });
      expect(posted.status).toBe(200);
      await receiver.received(4); // inbound message, reply, ticket
      await other.deliveriesIdle();
      clock.advance(10 * MINUTE);
      await Promise.all([fd.outbox.drain(), other.outbox.drain(), fd.outbox.drain(), other.outbox.drain()]);
      await receiver.received(5);
      const ids = receiver.deliveries.map((d) => d.body.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(4); // the 500'd event twice, nothing else again
      expect(receiver.deliveries.every((d) => d.signed)).toBe(true);
      expect((await fd.store.repo.listJobs({ subscriptionId: id })).map((j) => j.status)).toEqual(['sent', 'sent', 'sent', 'sent']);
    } finally {
      await other.stop();
      await fd.stop();
      fd = undefined;
      await db.drop();
    }
  });
});

describe('the /v1/webhooks API', () => {
  it('is for admins only: an agent gets 403 and nothing changes', async () => {
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE });
    const agent = await adminToken(fd, 'agent');
    for (const [method, path, body] of [
      ['GET', '/webhooks'],
      ['POST', '/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['message.created'] }],
      ['POST', '/webhooks/01ANY/test'],
      ['DELETE', '/webhooks/01ANY'],
    ] as const) {
      const { status, json } = await api(fd, agent, method, path, body);
      expect(status, `${method} ${path}`).toBe(403);
      expect(json!.error.code).toBe('forbidden_role');
    }
    expect(await fd.store.repo.listWebhookSubscriptions()).toEqual([]);
  });

  it('answers bad input with 400 JSON naming the problem, and stores nothing', async () => {
    fd = await createTestFrontdesk({ env: ALLOW_PRIVATE });
    const token = await adminToken(fd);
    const cases: [unknown, string, RegExp][] = [
      ['{not json', 'invalid_json', /not valid JSON/],
      [{ url: 'ftp://example.com/x', events: ['message.created'] }, 'invalid_webhook_url', /http or https/],
      [{ url: 'https://user:pw@example.com/x', events: ['message.created'] }, 'invalid_webhook_url', /credentials/],
      [{ url: 'not a url', events: ['message.created'] }, 'invalid_webhook_url', /absolute/],
      [{ url: 'https://example.com/x', events: ['message.deleted'] }, 'invalid_input', /each event must be one of/],
      [{ url: 'https://example.com/x', events: [] }, 'invalid_input', /at least one event/],
      [{ url: 'https://example.com/x', events: ['message.created'], secret: 'short' }, 'invalid_input', /at least 16/],
      [{ url: 'https://example.com/x', events: ['message.created'], colour: 'red' }, 'invalid_input', /colour/],
    ];
    for (const [body, code, message] of cases) {
      const { status, json } = await api(fd, token, 'POST', '/webhooks', body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json!.error).toMatchObject({ code, message: expect.stringMatching(message) });
    }
    expect((await api(fd, token, 'PATCH', '/webhooks/01NOPE', { active: 'yes' })).status).toBe(400);
    expect((await api(fd, token, 'PATCH', '/webhooks/01NOPE', { active: true })).json!.error.code).toBe('webhook_not_found');
    expect((await api(fd, token, 'DELETE', '/webhooks/01NOPE')).status).toBe(404);
    expect(await fd.store.repo.listWebhookSubscriptions()).toEqual([]);
  });

  it('refuses loopback and private addresses unless WEBHOOKS_ALLOW_PRIVATE_URLS allows them', async () => {
    fd = await createTestFrontdesk();
    const token = await adminToken(fd);
    for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://10.1.2.3/hook', 'http://[::1]/hook', 'http://[::ffff:192.168.0.1]/hook', 'http://169.254.169.254/latest']) {
      const { status, json } = await api(fd, token, 'POST', '/webhooks', { url, events: ['message.created'] });
      expect(status, url).toBe(400);
      expect(json!.error).toMatchObject({ code: 'invalid_webhook_url', message: expect.stringContaining('WEBHOOKS_ALLOW_PRIVATE_URLS') });
    }
    expect(await fd.store.repo.listWebhookSubscriptions()).toEqual([]);
  });
});

describe('frontdesk webhooks (CLI)', () => {
  it('adds, lists, tests and removes a subscription', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret);
    const env = { ...ALLOW_PRIVATE, SQLITE_PATH: join(dir, 'cli.db'), LOG_LEVEL: 'silent' };
    const cli = (...args: string[]) => captureOutput((io) => run(['webhooks', ...args], { ...io, env }));
    const added = await cli('add', `${receiver.server.url}/cli`, '--events', 'message.created,ticket.created');
    expect(added.code, added.err).toBe(0);
    const [id] = added.out.split(/\s+/);
    secret = /secret: (\S+)/.exec(added.out)![1]!;
    expect((await cli('list')).out).toContain(`${id}  ${receiver.server.url}/cli  message.created,ticket.created  active`);
    const tested = await cli('test', id!);
    expect(tested).toMatchObject({ code: 0, out: 'delivered: the receiver answered HTTP 200\n' });
    expect(receiver.deliveries[0]).toMatchObject({ signed: true, body: { type: 'webhook.test', data: { webhookId: id } } });
    expect(await cli('add', 'gopher://x', '--events', 'message.created')).toMatchObject({ code: 2, err: expect.stringContaining('http or https') });
    // The CLI checks its input with the API's schema before the service sees it.
    expect(await cli('add', `${receiver.server.url}/short`, '--events', 'message.created', '--secret', 'short')).toMatchObject({ code: 2, err: expect.stringContaining('at least 16 characters') });
    expect(await cli('add', `${receiver.server.url}/typo`, '--events', 'message.created,ticket.create')).toEqual({
      code: 2,
      out: '',
      err: 'frontdesk webhooks: --events: unknown event ticket.create (did you mean ticket.created?); events are conversation.created, conversation.updated, message.created, ticket.created, ticket.updated, csat.created\n',
    });
    expect((await cli('remove', id!)).code).toBe(0);
    expect((await cli('list', '--json')).out.trim()).toBe('[]');
    expect((await cli('remove', id!)).code).toBe(2);
  });
});
