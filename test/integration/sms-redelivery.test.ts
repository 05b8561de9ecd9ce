/**
 * A reply whose attempt was cut off (the process died while Twilio had it or before) is not sent
 * twice: after the lease expires, Twilio's Messages API is asked for it first, through the real
 * `twilio` client against a local server speaking Twilio's wire format.
 */
import type { Hono } from 'hono';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/core/ports.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';
import { CUSTOMER, fixture, postWebhook, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-redelivery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LEASE_MS = 60_000;
let api: TwilioApi;
let file = 0;

beforeEach(async () => {
  api = await startTwilioApi();
});
afterEach(async () => {
  await api.close();
});

function smsAdapter(env: Record<string, string>) {
  const config = loadConfig(env);
  return createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy });
}

/**
 * The SMS adapter of a process that dies during its last send: after Twilio accepted the reply
 * (`after`) or before the request left (`before`). The sends before it go out.
 */
function dyingDuring(real: ChannelAdapter<Hono>, sendsBefore: number, when: 'before' | 'after') {
  let reached!: () => void;
  const died = new Promise<void>((resolve) => (reached = resolve));
  const adapter: ChannelAdapter<Hono> = Object.create(real);
  let calls = 0;
  adapter.send = async (message: OutboundMessage) => {
    if (calls++ < sendsBefore) return real.send(message);
    if (when === 'after') await real.send(message);
    reached();
    return new Promise(() => {}); // the process is gone: nothing settles this attempt
  };
  return { adapter, died };
}

let sid = 0;
const textFromCustomer = (body: string) => fixture('inbound-sms.form', { Body: body, MessageSid: `SM${String(++sid).padStart(32, 'c')}` });

/** Lives one process until it dies sending the last reply, then a second one on the same database after the lease. */
async function crashAndRestart(replies: string[], when: 'before' | 'after') {
  const env = smsEnv(api.url, { SQLITE_PATH: join(dir, `redelivery-${++file}.db`) });
  const clock = manualClock(Date.now());
  let turn = 0;
  const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: replies[turn++]! }));
  const { adapter, died } = dyingDuring(smsAdapter(env), replies.length - 1, when);
  const first = await createTestFrontdesk({ env, engine, clock, adapters: [adapter] });
  for (const [i, reply] of replies.entries()) {
    expect((await postWebhook(first.app, '/webhooks/sms', textFromCustomer(`question before "${reply}"`))).status).toBe(200);
    if (i === replies.length - 1) await died;
    else await first.pipeline.idle();
  }
  await first.store.close(); // kill -9: no settling, no shutdown

  clock.advance(LEASE_MS + 1);
  const second = await createTestFrontdesk({ env, engine, clock, adapters: [smsAdapter(env)] });
  expect(await second.outbox.drain()).toBe(1);
  return { second };
}

describe('re-sending an SMS reply after a cut-off attempt', () => {
  it('records the reply Twilio already accepted instead of sending it again', async () => {
    const { second } = await crashAndRestart(['Your order shipped.'], 'after');
    expect(api.requests).toHaveLength(1);
    expect(api.accepted).toHaveLength(1);
    const reply = await second.store.repo.findMessageByProviderId('sms', api.accepted[0]!.sid);
    expect(reply).toMatchObject({ direction: 'outbound', deliveryStatus: 'queued', error: null });
    expect(await second.store.repo.countPendingJobs()).toBe(0);
    await second.stop();
  });

  it('sends the reply when the cut-off attempt never reached Twilio, even if the same text went out for another reply', async () => {
    const { second } = await crashAndRestart(['Thanks, noted.', 'Thanks, noted.'], 'before');
    // The first reply went out; the second died before its request; Twilio's copy of the same
    // text belongs to the first reply, so the second is sent after the restart.
    expect(api.accepted.map((m) => m.body)).toEqual(['Thanks, noted.', 'Thanks, noted.']);
    expect(api.accepted.every((m) => m.to === CUSTOMER)).toBe(true);
    for (const accepted of api.accepted) {
      expect(await second.store.repo.findMessageByProviderId('sms', accepted.sid)).toMatchObject({ direction: 'outbound' });
    }
    await second.stop();
  });

  it('retries later, without sending, when Twilio cannot be asked', async () => {
    const env = smsEnv(api.url, { SQLITE_PATH: join(dir, `redelivery-${++file}.db`) });
    const clock = manualClock(Date.now());
    const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'We open at nine.' }));
    const { adapter, died } = dyingDuring(smsAdapter(env), 0, 'after');
    const first = await createTestFrontdesk({ env, engine, clock, adapters: [adapter] });
    await postWebhook(first.app, '/webhooks/sms', textFromCustomer('when do you open?'));
    await died;
    await first.store.close();

    clock.advance(LEASE_MS + 1);
    const second = await createTestFrontdesk({ env, engine, clock, adapters: [smsAdapter(env)] });
    await api.close(); // Twilio unreachable: the lookup fails

    expect(await second.outbox.drain()).toBe(1);
    const [job] = await second.store.repo.listJobs({ status: 'pending' });
    expect(job?.lastError).toMatch(/twilio_unreachable/);
    expect(api.requests).toHaveLength(1);
    api = await startTwilioApi(); // afterEach closes this one
    await second.stop();
  });
});
