/**
 * The operational HTTP layer on a whole Frontdesk: request ids and the access log, /metrics,
 * rate limits and stream caps per client address, sign-in delays, CORS only on visitor routes,
 * the console's security headers.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CONSOLE_BUNDLE, ensureBuilt } from '../../src/console/assets.ts';
import { newId } from '../../src/core/ids.ts';
import { hashPassword } from '../../src/core/passwords.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
const started: Frontdesk[] = [];
afterEach(async () => {
  for (const fd of started.splice(0)) await fd.stop();
});

/** A Frontdesk whose log lines are kept, parsed, in `lines`. */
async function frontdesk(env: Record<string, string> = {}) {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const fd = await createTestFrontdesk({ env, logger: createLogger('info', sink) });
  started.push(fd);
  return { fd, lines, raw };
}

const post = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const from = (address: string) => ({ 'x-forwarded-for': address });

async function startConversation(fd: Frontdesk, headers: Record<string, string> = {}) {
  const res = await fd.app.request('/v1/conversations', post({}, headers));
  expect(res.status).toBe(201);
  return (await res.json()) as { conversation: { id: string }; visitorToken: string };
}

describe('request ids and the access log', () => {
  it('echoes a sane X-Request-Id, replaces an unsafe one, and logs one line per request without secrets', async () => {
    const { fd, lines, raw } = await frontdesk();
    const given = await fd.app.request('/healthz', { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(given.headers.get('x-request-id')).toBe('lb-1234.abc');
    const unsafe = await fd.app.request('/healthz', { headers: { 'x-request-id': 'bad id "with quotes" and spaces' } });
    const made = unsafe.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);

    const { conversation, visitorToken } = await startConversation(fd);
    const messages = await fd.app.request(`/v1/conversations/${conversation.id}/messages?token=${visitorToken}&limit=5`);
    expect(messages.status).toBe(200);
    const missing = await fd.app.request('/no/such/path?token=abc');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBeTruthy();

    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(5);
    expect(access[0]).toMatchObject({ requestId: 'lb-1234.abc', method: 'GET', path: '/healthz', route: '/healthz', status: 200 });
    expect(access[1]).toMatchObject({ requestId: made });
    expect(typeof access[0]!.ms).toBe('number');
    expect(access[3]).toMatchObject({
      path: `/v1/conversations/${conversation.id}/messages?token=[redacted]&limit=5`,
      route: '/v1/conversations/:id/messages',
      status: 200,
    });
    expect(access[4]).toMatchObject({ route: 'unmatched', status: 404 });
    expect(raw.join('')).not.toContain(visitorToken);
  });
});

describe('/metrics', () => {
  it('is a 404 unless METRICS_TOKEN is set and sent as a bearer token', async () => {
    const off = await frontdesk();
    expect((await off.fd.app.request('/metrics')).status).toBe(404);
    const on = await frontdesk({ METRICS_TOKEN: 'scrape-token-0123456789' });
    expect((await on.fd.app.request('/metrics')).status).toBe(404);
    expect((await on.fd.app.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789x' } })).status).toBe(404);
    const res = await on.fd.app.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  });

  it('counts requests by route pattern and status class, messages by channel, and reads the outbox and process', async () => {
    const { fd } = await frontdesk({ METRICS_TOKEN: 'scrape-token-0123456789' });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { conversation, visitorToken } = await startConversation(fd);
      ids.push(conversation.id);
      const sent = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, post({ text: 'Where is my order NW-10001?' }, { authorization: `Bearer ${visitorToken}` }));
      expect(sent.status).toBe(200);
    }
    expect((await fd.app.request(`/v1/conversations/${ids[0]}/messages`)).status).toBe(401);
    const text = await (await fd.app.request('/metrics', { headers: { authorization: 'Bearer scrape-token-0123456789' } })).text();
    expect(text).toContain('frontdesk_http_requests_total{method="POST",route="/v1/conversations",status="2xx"} 3');
    expect(text).toContain('frontdesk_http_requests_total{method="POST",route="/v1/conversations/:id/messages",status="2xx"} 3');
    expect(text).toContain('frontdesk_http_requests_total{method="GET",route="/v1/conversations/:id/messages",status="4xx"} 1');
    expect(text).toMatch(/frontdesk_http_request_duration_seconds_count\{method="POST",route="\/v1\/conversations\/:id\/messages"\} 3/);
    for (const id of ids) expect(text).not.toContain(id); // bounded labels: patterns, never raw paths
    expect(text).toContain('frontdesk_messages_received_total{channel="web"} 3');
    expect(text).toMatch(/\nfrontdesk_outbox_pending \d+\n/);
    expect(text).toMatch(/\nprocess_resident_memory_bytes [1-9]\d+\n/);
    expect(text).toMatch(/\nnodejs_eventloop_lag_p99_seconds [\d.e-]+\n/);
  });
});

describe('rate limits', () => {
  it('limits new conversations per client address with 429, Retry-After and JSON; other addresses are unaffected', async () => {
    const { fd } = await frontdesk({ TRUST_PROXY: 'true', RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '1', RATE_LIMIT_CONVERSATIONS_BURST: '2' });
    await startConversation(fd, from('203.0.113.7'));
    await startConversation(fd, from('203.0.113.7'));
    const refused = await fd.app.request('/v1/conversations', post({}, from('203.0.113.7')));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    // A client-supplied first entry does not buy a new budget: the proxy's own entry is last.
    expect((await fd.app.request('/v1/conversations', post({}, from('198.51.100.1, 203.0.113.7')))).status).toBe(429);
    await startConversation(fd, from('203.0.113.8'));
    expect(await fd.store.repo.listConversations({ limit: 10 }).then((list) => list.length)).toBe(3);
  });

  it('limits posted messages per client address', async () => {
    const { fd } = await frontdesk({ TRUST_PROXY: 'true', RATE_LIMIT_MESSAGES_PER_MINUTE: '1', RATE_LIMIT_MESSAGES_BURST: '2' });
    const { conversation, visitorToken } = await startConversation(fd, from('203.0.113.9'));
    const send = () => fd.app.request(`/v1/conversations/${conversation.id}/messages`, post({ text: 'hello' }, { authorization: `Bearer ${visitorToken}`, ...from('203.0.113.9') }));
    expect((await send()).status).toBeLessThan(300);
    expect((await send()).status).toBeLessThan(300);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
  });

  it('caps concurrent event streams per conversation and per address, freeing a slot when a stream closes', async () => {
    const { fd } = await frontdesk({ TRUST_PROXY: 'true', SSE_MAX_PER_CONVERSATION: '2', SSE_MAX_PER_ADDRESS: '3' });
    const a = await startConversation(fd);
    const b = await startConversation(fd);
    const open = (c: { conversation: { id: string }; visitorToken: string }, address: string) =>
      fd.app.request(`/v1/conversations/${c.conversation.id}/events?token=${c.visitorToken}`, { headers: from(address) });
    const first = await open(a, '192.0.2.1');
    const second = await open(a, '192.0.2.2');
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await open(a, '192.0.2.3');
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('too_many_streams');
    await first.body!.cancel();
    const again = await open(a, '192.0.2.3');
    expect(again.status).toBe(200);
    // Per address: 192.0.2.3 holds one stream; two more on another conversation reach its cap of 3.
    expect((await open(b, '192.0.2.3')).status).toBe(200);
    expect((await open(b, '192.0.2.3')).status).toBe(200);
    expect((await open(b, '192.0.2.3')).status).toBe(429);
    // A refused token holds no slot: three refusals, then both of c's slots are still free.
    const c = await startConversation(fd);
    for (let i = 0; i < 3; i++) {
      expect((await fd.app.request(`/v1/conversations/${c.conversation.id}/events?token=vis_wrong`, { headers: from('192.0.2.9') })).status).toBe(401);
    }
    expect((await open(c, '192.0.2.9')).status).toBe(200);
    expect((await open(c, '192.0.2.10')).status).toBe(200);
    expect((await open(c, '192.0.2.11')).status).toBe(429);
  });
});

describe('console sign-in', () => {
  it('slows one address guessing an email, never locks the real user out elsewhere, and never logs the email', async () => {
    const { fd, raw, lines } = await frontdesk({ TRUST_PROXY: 'true', LOGIN_FREE_FAILURES: '3' });
    const email = 'dana@northwind.example';
    await fd.store.repo.createUser({ id: newId(), email, name: 'Dana', role: 'agent', passwordHash: await hashPassword('right-password-1'), slackUserId: null, createdAt: Date.now() });
    const login = (password: string, address: string) => fd.app.request('/console/api/login', post({ email, password }, from(address)));
    for (let i = 0; i < 3; i++) expect((await login('wrong', '203.0.113.50')).status).toBe(401);
    const slowed = await login('right-password-1', '203.0.113.50');
    expect(slowed.status).toBe(429);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await slowed.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
    expect((await login('right-password-1', '198.51.100.20')).status).toBe(200);
    expect(lines.filter((l) => l.msg === 'console sign-in failed')).toHaveLength(3);
    expect(raw.join('')).not.toContain('dana@');
  });
});

describe('CORS and security headers', () => {
  it('answers CORS on the visitor routes only, never on staff routes sharing a path', async () => {
    const { fd } = await frontdesk({ WIDGET_ALLOWED_ORIGINS: 'https://shop.example.com' });
    const origin = { origin: 'https://shop.example.com' };
    const started = await fd.app.request('/v1/conversations', post({}, origin));
    expect(started.headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    const preflight = (path: string, method: string) =>
      fd.app.request(path, { method: 'OPTIONS', headers: { ...origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' } });
    expect((await preflight('/v1/conversations', 'POST')).headers.get('access-control-allow-origin')).toBe('https://shop.example.com');
    expect((await preflight('/v1/conversations', 'GET')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight('/v1/tickets', 'GET')).headers.get('access-control-allow-origin')).toBeNull();

    const { token } = await createApiToken(fd.store, fd.clock, { name: 'test' });
    const inbox = await fd.app.request('/v1/conversations', { headers: { ...origin, authorization: `Bearer ${token}` } });
    expect(inbox.status).toBe(200);
    expect(inbox.headers.get('access-control-allow-origin')).toBeNull();
    const other = await fd.app.request('/v1/conversations', post({}, { origin: 'https://evil.example' }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the console with a strict Content-Security-Policy, and its page has no inline script', async () => {
    await ensureBuilt(CONSOLE_BUNDLE);
    const { fd } = await frontdesk();
    const res = await fd.app.request('/console/');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/console\//);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers either
  });
});
