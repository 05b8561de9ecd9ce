import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestFrontdesk, scriptedEngine } from '../../test/support/frontdesk.ts';
import { isProgress } from './channel-context.ts';
import { newId } from './ids.ts';
import type { BusEvent } from './ports.ts';

describe('isProgress', () => {
  it('moves forward only: a late report never takes a reply back', () => {
    expect(isProgress('queued', 'sent')).toBe(true);
    expect(isProgress('sent', 'failed')).toBe(true);
    expect(isProgress('delivered', 'sent')).toBe(false);
    expect(isProgress('delivered', 'undelivered')).toBe(false);
  });
});

describe('the channel context', () => {
  let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;
  beforeAll(async () => {
    fd = await createTestFrontdesk({ engine: scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'Hello?' })) });
  });
  afterAll(() => fd.stop());

  it('records a delivery report once it is news, keeps the error unless given one, and publishes it', async () => {
    const { channel } = fd;
    const { conversation } = await fd.pipeline.start({ channel: 'sms', from: { address: '+15550100001' } });
    const id = newId();
    await fd.store.repo.insertMessage({
      id, conversationId: conversation.id, channel: 'sms', direction: 'outbound', authorKind: 'bot', authorId: null, text: 'Hello?', original: null, html: null,
      subject: null, internal: false, agentName: 'faq', route: 'faq', confidence: 0.9, providerMessageId: 'SM-report-1', deliveryStatus: 'queued',
      agentStatus: null, meta: null, createdAt: fd.clock.now(), error: 'earlier attempt timed out',
    });
    const published: BusEvent[] = [];
    const off = fd.bus.subscribe(conversation.id, (event) => published.push(event));

    const sent = await channel.deliveries.recordStatus({ channel: 'sms', providerMessageId: 'SM-report-1', status: 'delivered' });
    expect(sent).toMatchObject({ id, deliveryStatus: 'delivered', error: 'earlier attempt timed out' });
    expect(await channel.deliveries.recordStatus({ channel: 'sms', providerMessageId: 'SM-report-1', status: 'sent', error: 'late' })).toBeNull();
    expect(await channel.deliveries.recordStatus({ channel: 'sms', providerMessageId: 'SM-not-ours', status: 'failed' })).toBeNull();
    off();

    expect(await fd.store.repo.getMessage(id)).toMatchObject({ deliveryStatus: 'delivered', error: 'earlier attempt timed out' });
    expect(published).toEqual([{ type: 'message', conversationId: conversation.id, message: expect.objectContaining({ id, deliveryStatus: 'delivered' }) }]);
  });

  it('records an opt-out change once per provider event; a replay changes nothing', async () => {
    const { optOuts } = fd.channel;
    const event = { provider: 'test', channel: 'sms' as const, address: '+15550100002' };
    expect(await optOuts.recordOnce({ ...event, eventKey: 'e1', optedOut: true })).toEqual({ duplicate: false, optedOut: true });
    expect(await optOuts.recordOnce({ ...event, eventKey: 'e2', optedOut: null })).toEqual({ duplicate: false, optedOut: true });
    expect(await optOuts.recordOnce({ ...event, eventKey: 'e1', optedOut: false })).toEqual({ duplicate: true });
    expect(await fd.store.repo.isOptedOut('sms', event.address)).toBe(true);
    expect(await optOuts.recordOnce({ ...event, eventKey: 'e3', optedOut: false })).toEqual({ duplicate: false, optedOut: false });
    expect(await fd.store.repo.isOptedOut('sms', event.address)).toBe(false);
  });

  it('gives a conversation only to the contact holding the address', async () => {
    const { conversations } = fd.channel;
    const { conversation } = await fd.pipeline.start({ channel: 'email', from: { address: 'kim@example.com', email: 'kim@example.com' } });
    await fd.pipeline.start({ channel: 'email', from: { address: 'lee@example.com', email: 'lee@example.com' } });
    expect((await conversations.ownedBy(conversation.id, 'email', 'kim@example.com'))?.id).toBe(conversation.id);
    expect(await conversations.ownedBy(conversation.id, 'email', 'lee@example.com')).toBeNull();
    expect(await conversations.ownedBy(conversation.id, 'sms', 'kim@example.com')).toBeNull();
    expect(await conversations.customerAddress(conversation)).toBe('kim@example.com');
    // An older address of theirs on the channel, stored later (a merge): replies go there, by the store's one rule.
    await fd.store.repo.createIdentity({ id: newId(), contactId: conversation.contactId, channel: 'email', address: 'kim@work.example', displayName: null, verified: false, createdAt: conversation.createdAt - 1 });
    expect(await conversations.customerAddress(conversation)).toBe('kim@work.example');
    expect((await conversations.ofAddress('email', 'kim@example.com', 5)).map((found) => found.id)).toEqual([conversation.id]);
  });
});
