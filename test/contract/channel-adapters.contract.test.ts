/**
 * The channel adapter contract: the same cases, written once, for every channel adapter (web, SMS,
 * email, Slack), each driven the way its provider talks to Frontdesk (test/support/channel-drivers.ts).
 * A case that cannot apply to a channel is left out with the driver's reason printed, never silently.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { failedDeliveries } from '../../src/core/outbox.ts';
import type { Clock } from '../../src/core/ports.ts';
import type { Message } from '../../src/core/types.ts';
import { channelDrivers, storedMessages, type ChannelDriver, type ChannelSession, type ContractCase } from '../support/channel-drivers.ts';
import { manualClock, scriptedEngine } from '../support/frontdesk.ts';
import { describeWithService } from '../support/services.ts';

/** Longer than any backoff or Retry-After the providers' first failures ask for. */
const PAST_FIRST_RETRY_MS = 15 * 60_000;

for (const driver of channelDrivers()) {
  describeWithService(driver.service ?? driver.channel, driver.unavailable())(`${driver.channel} adapter contract`, () => {
    let session: ChannelSession;
    let engine: ReturnType<typeof scriptedEngine>;
    let clock: Clock & { advance(ms: number): void };

    beforeAll(() => driver.setup());
    afterAll(() => driver.teardown());
    beforeEach(async () => {
      clock = manualClock(Date.now());
      engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'Thanks for writing, we are on it.' }));
      session = await driver.open(engine, clock);
    });
    afterEach(() => session?.close());

    const stored = () => storedMessages(session.frontdesk.store, driver.channel);
    /** The one reply stored on the channel. */
    async function theReply(): Promise<Message> {
      const [conversation, ...others] = await session.frontdesk.store.repo.listConversations({ channel: driver.channel });
      expect(others).toHaveLength(0);
      const replies = (await session.frontdesk.store.repo.listMessages(conversation!.id)).filter((m) => m.direction === 'outbound');
      expect(replies).toHaveLength(1);
      return replies[0]!;
    }
    async function expectErrorJson(response: Response) {
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
      expect(body.error).toMatchObject({ code: expect.stringMatching(/^[a-z0-9_]+$/), message: expect.any(String) });
    }

    contractCase(driver, 'signature', 'refuses a forged signature with 401/403 JSON, stores nothing, and still takes the genuine delivery', async () => {
      const message = { id: 'forged-1', text: 'Please refund order NW-10003 to this new card' };
      const refused = await session.deliverForged(message);
      expect([401, 403]).toContain(refused.status);
      await expectErrorJson(refused);
      expect(await stored()).toEqual({ inbound: 0, outbound: 0 });
      expect(engine.calls).toHaveLength(0);
      expect(await session.providerSends()).toBe(0);

      // The refused attempt consumed nothing (no dedupe marker): the provider's genuine delivery counts.
      const genuine = await session.deliver(message);
      if (genuine) expect(genuine.status).toBeLessThan(300);
      expect(await stored()).toEqual({ inbound: 1, outbound: 1 });
    });

    contractCase(driver, 'duplicate', 'handles a duplicate delivery once: one message stored, one reply', async () => {
      const message = { id: 'dup-1', text: 'Where is my order NW-10003?' };
      const first = await session.deliver(message);
      const again = await session.deliver(message, { again: true });
      for (const response of [first, again]) if (response) expect(response.status).toBeLessThan(300);
      expect(await stored()).toEqual({ inbound: 1, outbound: 1 });
      expect(engine.calls).toHaveLength(1);
      expect(await session.providerSends()).toBe(1);
    });

    contractCase(driver, 'own-messages', 'ignores the channel\'s own messages: its reply coming back is not a customer message', async () => {
      await session.deliver({ id: 'own-1', text: 'Do you ship to Canada?' });
      expect(await stored()).toEqual({ inbound: 1, outbound: 1 });
      await session.echoOwnReply();
      expect(await stored()).toEqual({ inbound: 1, outbound: 1 });
      expect(engine.calls).toHaveLength(1);
      expect(await session.providerSends()).toBe(1);
    });

    contractCase(driver, 'bad-payload', 'answers a bad payload with 4xx JSON and a code, and stores nothing', async () => {
      const response = await session.deliverMalformed();
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      await expectErrorJson(response);
      expect(await stored()).toEqual({ inbound: 0, outbound: 0 });
      expect(engine.calls).toHaveLength(0);
    });

    contractCase(driver, 'send-failures', 'leaves a reply pending after a retryable provider failure, and sends it on the retry', async () => {
      session.failNextSend('retryable');
      await session.deliver({ id: 'retry-1', text: 'Can I change my delivery address?' });
      const pending = await theReply();
      expect(pending).toMatchObject({ deliveryStatus: 'pending', attempts: 1 });
      expect(pending.error).toBeTruthy();
      expect(await session.providerSends()).toBe(0);

      clock.advance(PAST_FIRST_RETRY_MS);
      expect(await session.frontdesk.outbox.drain()).toBe(1);
      const sent = await theReply();
      expect(sent).toMatchObject({ attempts: 2, error: null });
      expect(['queued', 'sent', 'delivered']).toContain(sent.deliveryStatus);
      expect(await session.providerSends()).toBe(1);
    });

    contractCase(driver, 'send-failures', 'marks a reply failed at once after a permanent provider refusal, visible for a resend', async () => {
      session.failNextSend('permanent');
      await session.deliver({ id: 'refused-1', text: 'Where is my order NW-10004?' });
      const failed = await theReply();
      expect(failed).toMatchObject({ deliveryStatus: 'failed', attempts: 1 });
      expect(failed.error).toBeTruthy();

      clock.advance(PAST_FIRST_RETRY_MS);
      expect(await session.frontdesk.outbox.drain()).toBe(0);
      expect(await session.providerSends()).toBe(0);
      const listed = await failedDeliveries(session.frontdesk.store.repo);
      expect(listed.map((f) => f.messageId)).toEqual([failed.id]);
    });
  });
}

/**
 * A case of the contract; when it cannot apply to this channel (a channel without signed requests,
 * say) no test is registered and the reason is printed instead: a skipped test would read as
 * "did not run" in CI, where skips are failures.
 */
function contractCase(driver: ChannelDriver, name: ContractCase, title: string, body: () => Promise<void>) {
  const reason = driver.notApplicable[name];
  if (reason === undefined) {
    it(title, body);
    return;
  }
  process.stderr.write(`[not applicable] ${driver.channel} adapter contract, ${name}: ${reason}\n`);
}
