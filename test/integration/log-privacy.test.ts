/**
 * What the log holds for a normal conversation and for failing ones: request lines, ids, outcomes
 * and error codes, never a customer's email address, phone number or words, a reply's text, or a
 * token or secret. Every line Frontdesk writes at debug level is captured as written.
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createLogger } from '../../src/entry/logger.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { AUTH_TOKEN, CUSTOMER, fixture, postWebhook, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;

const EMAIL = 'maria.lopez@example.com';
const CUSTOMER_WORDS = 'my parcel to 12 Elm Street never came';
const REPLY_WORDS = 'Sorry Maria, the courier lost it';

let api: TwilioApi;
let fd: Frontdesk;
let lines: string[];
let failing: boolean;

beforeEach(async () => {
  api = await startTwilioApi();
  lines = [];
  failing = false;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const env = smsEnv(api.url);
  const config = loadConfig(env);
  fd = await createTestFrontdesk({
    env,
    logger: createLogger('debug', sink),
    engine: scriptedEngine(() => {
      if (failing) throw new Error('the model provider timed out');
      return { agent: 'orders', route: 'orders', confidence: 0.9, text: `${REPLY_WORDS} (${EMAIL}, ${CUSTOMER}).` };
    }),
    adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
  });
});
afterEach(async () => {
  await fd.stop();
  await api.close();
});

/** What must never be written, by what it is. */
function secrets(extra: Record<string, string>): Record<string, string> {
  return {
    email: EMAIL,
    'phone number': CUSTOMER,
    'phone number, national digits': CUSTOMER.slice(2),
    "customer's words": CUSTOMER_WORDS,
    "reply's words": REPLY_WORDS,
    'Twilio auth token': AUTH_TOKEN,
    ...extra,
  };
}

function expectNoneLogged(what: Record<string, string>) {
  expect(lines.length).toBeGreaterThan(3);
  // As written, and as a logged URL would carry it.
  const written = (line: string, value: string) => line.includes(value) || line.includes(encodeURIComponent(value));
  const leaks = Object.entries(what).flatMap(([name, value]) => lines.filter((line) => written(line, value)).map((line) => `${name}: ${line.slice(0, 300)}`));
  expect(leaks).toEqual([]);
}

/** A web conversation and an inbound SMS, both answered; returns the visitor's token, which the log must not hold. */
async function conversationOverWebAndSms(): Promise<string> {
  const res = await fd.app.request('/v1/conversations', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Maria Lopez', email: EMAIL, text: CUSTOMER_WORDS }),
  });
  expect(res.status).toBe(201);
  const { conversation, visitorToken } = (await res.json()) as { conversation: { id: string }; visitorToken: string };
  expect((await fd.app.request(`/v1/conversations/${conversation.id}/messages?token=${visitorToken}`)).status).toBe(200);
  expect((await postWebhook(fd.app, '/webhooks/sms', fixture('inbound-sms.form', { Body: CUSTOMER_WORDS }))).status).toBe(200);
  await fd.pipeline.idle();
  return visitorToken;
}

describe('the log', () => {
  it('holds no personal data or token for a conversation answered on the web and by SMS', async () => {
    const visitorToken = await conversationOverWebAndSms();
    const staff = (await createApiToken(fd.store, fd.clock, { name: 'console' })).token;
    // Staff look the customer up by email and by phone number.
    for (const path of [`/v1/inbox?search=${encodeURIComponent(EMAIL)}`, `/v1/conversations?search=${encodeURIComponent(CUSTOMER)}`]) {
      expect((await fd.app.request(path, { headers: { authorization: `Bearer ${staff}` } })).status).toBe(200);
    }
    expect(api.requests.length).toBeGreaterThan(0); // the SMS reply went out
    expectNoneLogged(secrets({ 'visitor token': visitorToken, 'staff token': staff }));
  });

  it('holds no personal data for a refused SMS whose error names the number, a failing engine, a forged webhook and a failed sign-in', async () => {
    // Twilio names the number it refuses in its error message.
    api.respondOnce(() => ({ status: 400, body: { code: 21211, message: `Invalid 'To' Phone Number: ${CUSTOMER}`, status: 400 } }));
    expect((await postWebhook(fd.app, '/webhooks/sms', fixture('inbound-sms.form', { Body: CUSTOMER_WORDS }))).status).toBe(200);
    await fd.pipeline.idle();
    expect(lines.some((line) => line.includes('"delivery failed"') && line.includes('twilio_21211'))).toBe(true);
    failing = true;
    const res = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, text: CUSTOMER_WORDS }) });
    expect(res.status).toBe(201);
    await fd.pipeline.idle();
    expect(lines.some((line) => line.includes('agent engine failed'))).toBe(true);
    await postWebhook(fd.app, '/webhooks/sms', fixture('inbound-sms.form', { Body: CUSTOMER_WORDS }), { signature: 'forged' });
    const password = 'correct horse battery staple';
    await fd.app.request('/console/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password }) });
    expectNoneLogged(secrets({ password }));
  });
});
