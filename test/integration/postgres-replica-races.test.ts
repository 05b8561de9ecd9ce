/**
 * Two replicas on one PostgreSQL receiving the first texts of a new number at the same moment
 * (a load balancer, or Twilio retrying on the other replica): both answer 200, the number gets
 * one contact and one conversation, every text is stored once and answered once.
 */
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { fixture, postWebhook, smsEnv, startTwilioApi, type TwilioApi } from './sms-support.ts';

const reason = await postgresUnavailable();
/** New numbers per test: a race that shows up only sometimes still shows up. */
const ROUNDS = 8;

describeWithService('PostgreSQL', reason)('two replicas racing on first texts', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let api: TwilioApi;
  let replicas: Awaited<ReturnType<typeof createTestFrontdesk>>[];

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startTwilioApi();
    const env = smsEnv(api.url, { DATABASE_URL: db.url });
    const config = loadConfig(env);
    const replica = () =>
      createTestFrontdesk({
        env,
        engine: scriptedEngine((input) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `Answer to ${input.message.text}` })),
        adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
      });
    replicas = [await replica(), await replica()];
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await api?.close();
    await db?.drop();
  });
  beforeEach(() => {
    api.accepted.length = 0;
  });

  /** The conversations, messages and contacts stored for a number. */
  async function storedFor(number: string) {
    const repo = replicas[0]!.store.repo;
    const identity = await repo.findIdentity('sms', number);
    const conversations = identity ? await repo.listConversations({ contactId: identity.contactId }) : [];
    const messages = (await Promise.all(conversations.map((c) => repo.listMessages(c.id)))).flat();
    const contacts = await repo.contactsSharing([], [number]);
    return { contacts, conversations, inbound: messages.filter((m) => m.direction === 'inbound'), outbound: messages.filter((m) => m.direction === 'outbound') };
  }

  const settle = () => Promise.all(replicas.map((r) => r.pipeline.idle()));

  it('stores the same first text, delivered to both replicas at once, once under one contact', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const number = `+1415556${String(1000 + round)}`;
      const params = fixture('inbound-sms.form', { From: number, Body: `first text ${round}`, MessageSid: `SM${String(round).padStart(32, 'e')}` });
      const responses = await Promise.all(replicas.map((r) => postWebhook(r.app, '/webhooks/sms', params)));
      expect(responses.map((r) => r.status), `round ${round}`).toEqual([200, 200]);
      await settle();
      const stored = await storedFor(number);
      expect(stored.contacts, `round ${round}`).toHaveLength(1);
      expect(stored.conversations, `round ${round}`).toHaveLength(1);
      expect(stored.inbound.map((m) => m.text), `round ${round}`).toEqual([`first text ${round}`]);
      expect(api.accepted.filter((m) => m.to === number).map((m) => m.body), `round ${round}`).toEqual([`Answer to first text ${round}`]);
    }
  });

  it('keeps two different first texts of a new number, one on each replica, in one conversation', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const number = `+1415557${String(1000 + round)}`;
      const texts = [`hello ${round}`, `are you there ${round}`];
      const responses = await Promise.all(
        replicas.map((r, i) => postWebhook(r.app, '/webhooks/sms', fixture('inbound-sms.form', { From: number, Body: texts[i]!, MessageSid: `SM${String(round * 2 + i).padStart(32, 'f')}` }))),
      );
      expect(responses.map((r) => r.status), `round ${round}`).toEqual([200, 200]);
      await settle();
      const stored = await storedFor(number);
      expect(stored.contacts, `round ${round}`).toHaveLength(1);
      expect(stored.conversations, `round ${round}`).toHaveLength(1);
      expect(stored.inbound.map((m) => m.text).sort(), `round ${round}`).toEqual([...texts].sort());
      expect(api.accepted.filter((m) => m.to === number), `round ${round}`).toHaveLength(2);
    }
  });
});
