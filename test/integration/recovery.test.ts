/**
 * A crash between ingest and deliver loses nothing: the message stored before the crash is
 * answered after a restart, and a reply stored but not sent is delivered — each exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/core/ports.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';

const dir = mkdtempSync(join(tmpdir(), 'frontdesk-recovery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordingSms(behaviour: (m: OutboundMessage) => Promise<void> = async () => {}) {
  const sent: OutboundMessage[] = [];
  const adapter: ChannelAdapter = {
    kind: 'sms',
    async send(message) {
      await behaviour(message);
      sent.push(message);
      return { status: 'sent', providerMessageId: `SM${sent.length}` };
    },
  };
  return { adapter, sent };
}

const inbound = (text: string, sid: string) => ({
  channel: 'sms' as const,
  from: { address: '+15551230001' },
  text,
  providerMessageId: sid,
  receivedAt: Date.now(),
  thread: { key: '+15551230001|+15550000000' },
  attachments: [],
});

describe('crash recovery', () => {
  it('answers a message stored before a crash once, after the restart', async () => {
    const env = { SQLITE_PATH: join(dir, 'crash.db') };
    // First life: the engine never returns, as if the process died while the agents worked.
    let engineCalled!: () => void;
    const called = new Promise<void>((resolve) => (engineCalled = resolve));
    const hanging = scriptedEngine(() => {
      engineCalled();
      return new Promise(() => {});
    });
    const first = await createTestFrontdesk({ env, engine: hanging, adapters: [recordingSms().adapter] });
    const received = await first.pipeline.receive(inbound('where is my order NW-10003', 'SM-crash-1'));
    await called;
    expect((await first.store.repo.getMessage(received.message.id))?.agentStatus).toBe('pending');
    // The process "dies": the store is closed without the answer.
    await first.store.close();

    const sms = recordingSms();
    const engine = scriptedEngine(() => ({ agent: 'orders', route: 'orders', confidence: 0.9, text: 'It shipped yesterday.' }));
    const second = await createTestFrontdesk({ env, engine, adapters: [sms.adapter] });
    expect(await second.pipeline.recoverPending(0)).toBe(1);
    expect(engine.calls).toHaveLength(1);
    expect(sms.sent.map((m) => m.text)).toEqual(['It shipped yesterday.']);
    // Nothing is left, and a second recovery answers nothing twice.
    expect(await second.pipeline.recoverPending(0)).toBe(0);
    // The provider retrying the same webhook does not produce a second answer either.
    expect((await second.pipeline.receive(inbound('where is my order NW-10003', 'SM-crash-1'))).duplicate).toBe(true);
    await second.pipeline.idle();
    expect(sms.sent).toHaveLength(1);
    await second.stop();
  });

  it('retries a failing delivery with backoff and delivers it once the channel recovers', async () => {
    const clock = manualClock(Date.now());
    let failures = 2;
    const sms = recordingSms(async () => {
      if (failures-- > 0) throw new DeliveryError('provider unavailable', { retryable: true });
    });
    const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'We are open 9 to 6.' }));
    const fd = await createTestFrontdesk({ env: { SQLITE_PATH: join(dir, 'retry.db') }, engine, adapters: [sms.adapter], clock });
    const { reply } = await fd.pipeline.receive(inbound('opening hours?', 'SM-retry-1'));
    const stored = (await reply)!;
    expect(stored.deliveryStatus).toBe('pending');
    expect(stored.attempts).toBe(1);
    expect(await fd.outbox.drain()).toBe(0); // not due yet: backoff
    clock.advance(60_000);
    expect(await fd.outbox.drain()).toBe(1); // second attempt fails too
    clock.advance(60_000);
    expect(await fd.outbox.drain()).toBe(1);
    const delivered = await fd.store.repo.getMessage(stored.id);
    expect(delivered).toMatchObject({ deliveryStatus: 'sent', attempts: 3, providerMessageId: 'SM1' });
    expect(sms.sent).toHaveLength(1);
    clock.advance(60_000);
    expect(await fd.outbox.drain()).toBe(0);
    await fd.stop();
  });

  it('marks a permanent failure as failed without retrying, and never sends to an opted-out number', async () => {
    const sms = recordingSms(async () => {
      throw new DeliveryError('invalid number', { retryable: false, code: '21211' });
    });
    const engine = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'Hi!' }));
    const fd = await createTestFrontdesk({ engine, adapters: [sms.adapter] });
    const failed = (await (await fd.pipeline.receive(inbound('hello', 'SM-perm-1'))).reply)!;
    expect(failed).toMatchObject({ deliveryStatus: 'failed', attempts: 1 });
    expect(failed.error).toContain('invalid number');

    await fd.store.repo.setOptOut('sms', '+15551230001', true, Date.now());
    const refused = (await (await fd.pipeline.receive(inbound('hello again', 'SM-perm-2'))).reply)!;
    expect(refused.deliveryStatus).toBe('refused');
    await fd.stop();
  });
});
