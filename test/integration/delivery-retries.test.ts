/**
 * Delivery that never gives up silently: replies are retried by time through a provider outage
 * (a settable clock stands in for the 10 minutes), Retry-After is honoured, a reply past the retry
 * window is marked failed, and staff resend it through the API or the CLI. SMS goes through the
 * real `twilio` client against a local server speaking Twilio's wire format.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import { run } from '../../src/cli/main.ts';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';
import { fixture, postWebhook, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';
import { captureOutput } from '../support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-delivery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MINUTE = 60_000;
const unavailable = (headers?: Record<string, string>) => () => ({ status: 503, body: { code: 20500, message: 'Service unavailable', status: 503 }, headers });

let api: TwilioApi;
let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;
let clock: ReturnType<typeof manualClock>;
let file = 0;

beforeEach(async () => {
  api = await startTwilioApi();
});
afterEach(async () => {
  await fd?.stop();
  await api.close();
});

/** A Frontdesk on a SQLite file with SMS on; every reply names the question it answers. */
async function boot(env: Record<string, string> = {}) {
  const fullEnv = smsEnv(api.url, { SQLITE_PATH: join(dir, `delivery-${++file}.db`), ...env });
  const config = loadConfig(fullEnv);
  clock = manualClock(Date.now());
  const engine = scriptedEngine((input) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `Answer to ${input.message.text}` }));
  fd = await createTestFrontdesk({
    env: fullEnv,
    engine,
    clock,
    adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
  });
  return fullEnv;
}

let sid = 0;
async function customerWrites(text: string, from = '+14155550123') {
  const params = fixture('inbound-sms.form', { Body: text, From: from, MessageSid: `SM${String(++sid).padStart(32, 'd')}` });
  expect((await postWebhook(fd.app, '/webhooks/sms', params)).status).toBe(200);
}

/** Moves the clock in steps, letting the outbox retry what is due at each, as the sweep does. */
async function runFor(ms: number, step = 15_000) {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    clock.advance(step);
    await fd.outbox.drain();
  }
}

async function outboundStatuses() {
  const statuses: Record<string, number> = {};
  for (const conversation of await fd.store.repo.listConversations({ channel: 'sms' })) {
    for (const m of await fd.store.repo.listMessages(conversation.id)) {
      if (m.direction === 'outbound') statuses[m.deliveryStatus] = (statuses[m.deliveryStatus] ?? 0) + 1;
    }
  }
  return statuses;
}

describe('delivery retries by time', () => {
  it('delivers every reply once after a 10-minute provider outage', async () => {
    await boot();
    api.startOutage(unavailable());
    const customers = Array.from({ length: 12 }, (_, i) => `+1415555${String(1000 + i)}`);
    for (const [i, from] of customers.entries()) await customerWrites(`question ${i}`, from);
    await fd.pipeline.idle();
    expect(api.accepted).toHaveLength(0);
    await runFor(10 * MINUTE);
    expect(await outboundStatuses()).toEqual({ pending: 12 }); // still trying, none given up
    api.recover();
    await runFor(10 * MINUTE); // at most one capped backoff (10 min) until each is due again
    const bodies = api.accepted.map((m) => m.body);
    expect(bodies).toHaveLength(12);
    expect(new Set(bodies).size).toBe(12); // each reply once
    expect(await outboundStatuses()).toEqual({ queued: 12 });
    expect(await fd.store.repo.countPendingJobs()).toBe(0);
  });

  it("waits as long as the provider's Retry-After asks", async () => {
    await boot();
    api.respondOnce(unavailable({ 'retry-after': '120' }));
    await customerWrites('are you open on sunday?');
    await fd.pipeline.idle();
    await runFor(MINUTE + 45_000); // the 1 s backoff alone would have retried long ago
    expect(api.requests).toHaveLength(1);
    await runFor(30_000);
    expect(api.requests).toHaveLength(2);
    expect(await outboundStatuses()).toEqual({ queued: 1 });
  });

  it('marks a reply failed when its retry window ends, and staff resend it through the API', async () => {
    await boot({ OUTBOX_MAX_AGE_HOURS: '1' });
    api.startOutage(unavailable());
    await customerWrites('where is NW-10003?');
    await fd.pipeline.idle();
    await runFor(59 * MINUTE, MINUTE);
    expect(await outboundStatuses()).toEqual({ pending: 1 });
    await runFor(2 * MINUTE, MINUTE);
    expect(await outboundStatuses()).toEqual({ failed: 1 });
    const attempts = api.requests.length;
    await runFor(30 * MINUTE, MINUTE);
    expect(api.requests).toHaveLength(attempts); // failed means no more attempts

    const user = await fd.store.repo.createUser({ id: newId(), email: 'agent@example.com', name: 'Agent', role: 'agent', passwordHash: null, slackUserId: null, createdAt: clock.now() });
    const { token } = await createApiToken(fd.store, fd.clock, { name: 'agent', userId: user.id });
    const auth = { authorization: `Bearer ${token}` };
    const listed = await (await fd.app.request('/v1/deliveries/failed', { headers: auth })).json();
    expect(listed.failed).toHaveLength(1);
    expect(listed.failed[0]).toMatchObject({ channel: 'sms', text: 'Answer to where is NW-10003?', error: expect.stringMatching(/gave up after \d+ attempts: twilio_http_503/) });

    api.recover();
    const resent = await fd.app.request(`/v1/messages/${listed.failed[0].messageId}/resend`, { method: 'POST', headers: auth });
    expect(resent.status).toBe(200);
    expect((await resent.json()).message).toMatchObject({ deliveryStatus: 'queued', error: null });
    expect(api.accepted.map((m) => m.body)).toEqual(['Answer to where is NW-10003?']);
    // Sent now: a second resend has nothing to resend, and an unknown id is 404.
    const again = await fd.app.request(`/v1/messages/${listed.failed[0].messageId}/resend`, { method: 'POST', headers: auth });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: { code: 'not_failed', message: expect.any(String) } });
    expect((await fd.app.request('/v1/messages/nope/resend', { method: 'POST', headers: auth })).status).toBe(404);
    expect((await (await fd.app.request('/v1/deliveries/failed', { headers: auth })).json()).failed).toEqual([]);
  });

  it('fails a permanent refusal at once, without retrying', async () => {
    await boot();
    api.respondOnce(() => ({ status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 } }));
    await customerWrites('hello');
    await fd.pipeline.idle();
    await runFor(30 * MINUTE, MINUTE);
    expect(api.requests).toHaveLength(1);
    expect(await outboundStatuses()).toEqual({ failed: 1 });
  });

  it('lists and requeues failed replies from the CLI; the server sends them', async () => {
    const env = await boot({ OUTBOX_MAX_AGE_HOURS: '0.1' });
    api.startOutage(unavailable());
    await customerWrites('first question', '+14155552001');
    await customerWrites('second question', '+14155552002');
    await fd.pipeline.idle();
    await runFor(10 * MINUTE, MINUTE);
    expect(await outboundStatuses()).toEqual({ failed: 2 });

    const cli = (...args: string[]) => captureOutput((io) => run(['outbox', ...args], { ...io, env: { ...env, LOG_LEVEL: 'silent' } }));
    const list = await cli('list', '--failed');
    expect(list.code).toBe(0);
    expect(list.out.trim().split('\n')).toHaveLength(2);
    expect(list.out).toContain('"Answer to first question"');
    expect(list.err).toBe('2 failed replies\n');
    const failedIds = (JSON.parse((await cli('list', '--failed', '--json')).out) as { messageId: string }[]).map((f) => f.messageId);

    expect(await cli('resend')).toMatchObject({ code: 2, err: expect.stringMatching(/name message ids or --all-failed/) });
    expect(await cli('resend', 'no-such-id')).toMatchObject({ code: 1, out: 'queued 0 replies for delivery; the running server sends them\n', err: 'no failed delivery for: no-such-id\n' });
    expect((await cli('resend', failedIds[0]!)).out).toBe('queued 1 reply for delivery; the running server sends them\n');
    expect((await cli('resend', '--all-failed')).out).toBe('queued 1 reply for delivery; the running server sends them\n');
    expect((await cli('list', '--failed')).err).toBe('0 failed replies\n');

    api.recover();
    await runFor(15_000);
    expect(api.accepted.map((m) => m.body).sort()).toEqual(['Answer to first question', 'Answer to second question']);
    expect(await outboundStatuses()).toEqual({ queued: 2 });
  });
});
