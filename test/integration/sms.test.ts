/**
 * The SMS channel end to end: signed Twilio webhooks into a whole Frontdesk, replies through the
 * real `twilio` client against a local Messages API, status callbacks back into the store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSmsAdapter } from '../../adapters/sms/index.ts';
import { loadConfig } from '../../config/env.ts';
import type { AgentRunInput, Clock } from '../../src/core/ports.ts';
import { createTestFrontdesk, manualClock, scriptedEngine } from '../support/frontdesk.ts';
import {
  ACCOUNT_SID,
  CUSTOMER,
  MESSAGING_SERVICE_SID,
  OUR_NUMBER,
  PUBLIC_URL,
  fixture,
  jsonFixture,
  postWebhook,
  sign,
  smsEnv,
  startTwilioApi,
  type TwilioApi,
} from './sms-support.ts';

let api: TwilioApi;
let frontdesk: Awaited<ReturnType<typeof createTestFrontdesk>>;
let engine: ReturnType<typeof scriptedEngine>;
let replyText: (input: AgentRunInput) => string;

async function boot(env: Record<string, string> = {}, clock?: Clock) {
  const fullEnv = smsEnv(api.url, env);
  const config = loadConfig(fullEnv);
  frontdesk = await createTestFrontdesk({
    env: fullEnv,
    engine,
    clock,
    adapters: [createSmsAdapter({ ...config.sms!, publicUrl: config.publicUrl, trustProxy: config.trustProxy })],
  });
}

const inbound = (overrides: Record<string, string> = {}) => fixture('inbound-sms.form', overrides);
let sidCounter = 0;
/** A fresh inbound message from the customer with this text. */
const textFromCustomer = (body: string) => inbound({ Body: body, MessageSid: `SM${String(++sidCounter).padStart(32, 'a')}` });

async function send(params: URLSearchParams) {
  const response = await postWebhook(frontdesk.app, '/webhooks/sms', params);
  await frontdesk.pipeline.idle();
  return response;
}

beforeEach(async () => {
  api = await startTwilioApi();
  replyText = () => 'Your order NW-10003 is on its way.';
  engine = scriptedEngine((input) => ({ agent: 'orders', route: 'orders', confidence: 0.9, text: replyText(input) }));
});

afterEach(async () => {
  await frontdesk?.stop();
  await api.close();
});

describe('SMS over Twilio', () => {
  it('answers a signed inbound SMS with empty TwiML and replies through the Messages API', async () => {
    await boot();
    const response = await postWebhook(frontdesk.app, '/webhooks/sms', inbound());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await response.text()).toContain('<Response/>');

    await api.waitForRequests(1);
    await frontdesk.pipeline.idle();
    const [request] = api.requests;
    expect(request!.form.get('To')).toBe(CUSTOMER);
    expect(request!.form.get('From')).toBe(OUR_NUMBER);
    expect(request!.form.get('Body')).toBe('Your order NW-10003 is on its way.');
    expect(request!.form.get('StatusCallback')).toBe(`${PUBLIC_URL}/webhooks/sms/status`);
    expect(engine.calls[0]!.message.text).toBe('Hi, where is my order NW-10003?');

    const stored = await frontdesk.store.repo.findMessageByProviderId('sms', 'SM00000000000000000000000000000001');
    expect(stored).toMatchObject({ direction: 'outbound', deliveryStatus: 'queued' });
    const conversation = (await frontdesk.store.repo.getConversation(stored!.conversationId))!;
    expect(conversation.threadKey).toBe(`${CUSTOMER}|${OUR_NUMBER}`);
  });

  it('updates the delivery status from signed status callbacks, never backwards', async () => {
    await boot();
    await send(inbound());
    const sid = 'SM00000000000000000000000000000001';
    const callback = (name: string) => postWebhook(frontdesk.app, '/webhooks/sms/status', fixture(name, { MessageSid: sid, SmsSid: sid }));

    expect((await callback('status-sent.form')).status).toBe(204);
    expect((await frontdesk.store.repo.findMessageByProviderId('sms', sid))!.deliveryStatus).toBe('sent');
    expect((await callback('status-delivered.form')).status).toBe(204);
    expect((await frontdesk.store.repo.findMessageByProviderId('sms', sid))!.deliveryStatus).toBe('delivered');
    // A late "sent" (callbacks are not ordered) leaves "delivered" alone.
    await callback('status-sent.form');
    expect((await frontdesk.store.repo.findMessageByProviderId('sms', sid))!.deliveryStatus).toBe('delivered');
  });

  it('records undelivered with the Twilio error code', async () => {
    await boot();
    await send(inbound());
    const sid = 'SM00000000000000000000000000000001';
    await postWebhook(frontdesk.app, '/webhooks/sms/status', fixture('status-undelivered.form', { MessageSid: sid, SmsSid: sid }));
    const message = await frontdesk.store.repo.findMessageByProviderId('sms', sid);
    expect(message).toMatchObject({ deliveryStatus: 'undelivered' });
    expect(message!.error).toContain('30003');
  });

  it('rejects a status callback with a forged signature', async () => {
    await boot();
    await send(inbound());
    const sid = 'SM00000000000000000000000000000001';
    const params = fixture('status-delivered.form', { MessageSid: sid, SmsSid: sid });
    const response = await postWebhook(frontdesk.app, '/webhooks/sms/status', params, { signature: sign(`${PUBLIC_URL}/webhooks/sms/status`, params, 'wrong-token') });
    expect(response.status).toBe(403);
    expect((await frontdesk.store.repo.findMessageByProviderId('sms', sid))!.deliveryStatus).toBe('queued');
  });

  it('replies through the Messaging Service the customer wrote to', async () => {
    await boot();
    const response = await send(fixture('inbound-sms-messaging-service.form'));
    expect(response.status).toBe(200);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.form.get('MessagingServiceSid')).toBe(MESSAGING_SERVICE_SID);
    expect(api.requests[0]!.form.get('From')).toBeNull();
    expect(api.requests[0]!.form.get('To')).toBe('+12125550147');
    const conversation = await frontdesk.store.repo.latestByThreadKey('sms', `+12125550147|${MESSAGING_SERVICE_SID}`);
    expect(conversation).not.toBeNull();
  });

  it('answers a forged signature with 403 JSON and stores nothing', async () => {
    await boot();
    const params = inbound();
    const forged = await postWebhook(frontdesk.app, '/webhooks/sms', params, { signature: sign(`${PUBLIC_URL}/webhooks/sms`, params, 'not-the-token') });
    expect(forged.status).toBe(403);
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_signature' } });

    // Signed for the right URL, but the body was changed afterwards.
    const tampered = await frontdesk.app.request('/webhooks/sms', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sign(`${PUBLIC_URL}/webhooks/sms`, params) },
      body: inbound({ Body: 'refund me everything' }).toString(),
    });
    expect(tampered.status).toBe(403);
    const unsigned = await postWebhook(frontdesk.app, '/webhooks/sms', params, { signature: '' });
    expect(unsigned.status).toBe(403);

    await frontdesk.pipeline.idle();
    expect(await frontdesk.store.repo.findMessageByProviderId('sms', params.get('MessageSid')!)).toBeNull();
    expect(await frontdesk.store.repo.listConversations({})).toHaveLength(0);
    expect(engine.calls).toHaveLength(0);
  });

  it('ignores X-Forwarded-Host unless TRUST_PROXY is on', async () => {
    await boot();
    const params = inbound();
    const proxied = { signature: sign('https://sms.example.net/webhooks/sms', params), headers: { 'x-forwarded-host': 'sms.example.net', 'x-forwarded-proto': 'https' } };
    expect((await postWebhook(frontdesk.app, '/webhooks/sms', params, proxied)).status).toBe(403);
    await frontdesk.stop();

    await boot({ TRUST_PROXY: 'true' });
    expect((await send(params)).status).toBe(200);
    expect(api.requests).toHaveLength(1);
  });

  it('answers a replayed MessageSid once', async () => {
    await boot();
    const params = inbound();
    const first = await send(params);
    const second = await send(params);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.text()).toContain('<Response/>');
    expect(engine.calls).toHaveLength(1);
    expect(api.requests).toHaveLength(1);
  });

  it('stops texting after STOP and starts again after START', async () => {
    await boot();
    const stop = await send(textFromCustomer('STOP'));
    expect(stop.status).toBe(200);
    expect(await stop.text()).toContain('<Response/>');
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(true);

    await send(textFromCustomer('Hello again, where is my parcel?'));
    expect(engine.calls.map((c) => c.message.text)).toEqual(['Hello again, where is my parcel?']);
    expect(api.requests).toHaveLength(0);
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const reply = (await frontdesk.store.repo.listMessages(conversation!.id)).find((m) => m.direction === 'outbound');
    expect(reply!.deliveryStatus).toBe('refused');

    await send(textFromCustomer('start'));
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(false);
    expect(api.requests).toHaveLength(0); // Twilio confirms START itself
    await send(textFromCustomer('Is it there yet?'));
    expect(api.requests).toHaveLength(1);
    expect(engine.calls).toHaveLength(2);
  });

  it('treats CANCEL alone as an opt-out but "cancel my order" as a request', async () => {
    await boot();
    await send(textFromCustomer('cancel my order NW-10003'));
    expect(engine.calls).toHaveLength(1);
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(false);
    await send(textFromCustomer('  Cancel. '));
    expect(engine.calls).toHaveLength(1);
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(true);
  });

  it('answers HELP with the help text, keeps it from the agents and shows it to staff', async () => {
    await boot();
    const response = await send(textFromCustomer('help'));
    const twiml = await response.text();
    expect(twiml).toContain('<Message>Northwind support: text us your question. Reply STOP to opt out.</Message>');
    expect(engine.calls).toHaveLength(0);
    const [conversation] = await frontdesk.store.repo.listConversations({});
    const [stored] = await frontdesk.store.repo.listMessages(conversation!.id);
    expect(stored).toMatchObject({ text: 'help', direction: 'inbound', agentStatus: 'skipped', meta: { smsKeyword: { keyword: 'help', answer: false } } });
  });

  it('stores every keyword text once, replays included, and keeps OPTOUT and REVOKE as opt-outs', async () => {
    await boot();
    const stop = textFromCustomer('STOP');
    await send(stop);
    await send(stop);
    await send(textFromCustomer('Revoke'));
    await send(textFromCustomer('start'));
    await send(textFromCustomer('optout'));
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(true);
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const texts = (await frontdesk.store.repo.listMessages(conversation!.id)).map((m) => [m.text, m.agentStatus]);
    expect(texts).toEqual([['STOP', 'skipped'], ['Revoke', 'skipped'], ['start', 'skipped'], ['optout', 'skipped']]);
    expect(engine.calls).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  it('hands "yes" and "cancel" to the agents when they answer the bot\'s recent question, and still follows Twilio\'s opt-out', async () => {
    const clock = manualClock(Date.now());
    await boot({}, clock);
    replyText = () => 'Shall I cancel order NW-10003 for you?';
    await send(textFromCustomer('I want to cancel NW-10003'));
    replyText = () => 'Done: NW-10003 is cancelled.';
    await send(textFromCustomer('Yes'));
    expect(engine.calls.map((c) => c.message.text)).toEqual(['I want to cancel NW-10003', 'Yes']);
    expect(api.requests.map((r) => r.form.get('Body'))).toEqual(['Shall I cancel order NW-10003 for you?', 'Done: NW-10003 is cancelled.']);

    // The bot asks again; "Cancel" answers it, but Twilio has opted the number out: the opt-out is
    // recorded, the agents see the answer, and their reply is refused instead of sent.
    replyText = () => 'Do you want a refund to your card?';
    await send(textFromCustomer('And my other order?'));
    replyText = () => 'OK.';
    await send(textFromCustomer('Cancel'));
    expect(engine.calls.at(-1)!.message.text).toBe('Cancel');
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(true);
    expect(api.requests).toHaveLength(3);
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const last = (await frontdesk.store.repo.listMessages(conversation!.id)).at(-1)!;
    expect(last).toMatchObject({ direction: 'outbound', text: 'OK.', deliveryStatus: 'refused' });
  });

  it('treats "yes" as a keyword when the bot asked nothing, or asked too long ago', async () => {
    const clock = manualClock(Date.now());
    await boot({}, clock);
    replyText = () => 'Your order NW-10003 is on its way.';
    await send(textFromCustomer('Where is NW-10003?'));
    await send(textFromCustomer('yes'));
    expect(engine.calls).toHaveLength(1);

    replyText = () => 'Would you like the tracking link?';
    await send(textFromCustomer('Anything else to know?'));
    clock.advance(31 * 60_000);
    await send(textFromCustomer('YES'));
    expect(engine.calls.map((c) => c.message.text)).toEqual(['Where is NW-10003?', 'Anything else to know?']);
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const inboundTexts = (await frontdesk.store.repo.listMessages(conversation!.id)).filter((m) => m.direction === 'inbound').map((m) => m.text);
    expect(inboundTexts).toEqual(['Where is NW-10003?', 'yes', 'Anything else to know?', 'YES']);
  });

  it('keeps the text of a signed MMS whose MediaUrl0 cannot be parsed', async () => {
    await boot();
    const params = textFromCustomer('Photo of the broken box attached');
    params.set('NumMedia', '2');
    params.set('MediaUrl0', 'http://[not a url');
    params.set('MediaContentType0', 'image/jpeg');
    params.set('MediaUrl1', `https://api.twilio.com/${'x'.repeat(3000)}`);
    params.set('MediaContentType1', 'image/png');
    const response = await send(params);
    expect(response.status).toBe(200);
    const message = (await frontdesk.store.repo.findMessageByProviderId('sms', params.get('MessageSid')!))!;
    expect(message.text).toBe('Photo of the broken box attached');
    const attachments = await frontdesk.store.repo.listAttachments([message.id]);
    expect(attachments.map((a) => [a.filename, a.url ?? null])).toEqual([['media-1.jpg', null], ['media-2.png', null]]);
    expect(message.meta).toMatchObject({ mediaNotes: [expect.stringContaining('cannot be used'), expect.stringContaining('cannot be used')] });
    expect(engine.calls.map((c) => c.message.text)).toEqual(['Photo of the broken box attached']);
  });

  it('verifies signatures when PUBLIC_URL carries basic-auth credentials, and keeps them out of customer links', async () => {
    const withAuth = 'https://twilio:s3cret%21@support.example.com';
    await boot({ PUBLIC_URL: withAuth, SMS_MAX_SEGMENTS: '1' });
    replyText = () => 'word '.repeat(200).trim();
    const params = textFromCustomer('Where is NW-10003?');
    // Twilio signs the webhook URL as configured, credentials included (twilio's own function).
    const signedWithout = await postWebhook(frontdesk.app, '/webhooks/sms', params, { signature: sign(`${PUBLIC_URL}/webhooks/sms`, params) });
    expect(signedWithout.status).toBe(403);
    const response = await postWebhook(frontdesk.app, '/webhooks/sms', params, { signature: sign(`${withAuth}/webhooks/sms`, params) });
    expect(response.status).toBe(200);
    await api.waitForRequests(1);
    await frontdesk.pipeline.idle();
    const [request] = api.requests;
    expect(request!.form.get('StatusCallback')).toBe(`${withAuth}/webhooks/sms/status`);
    expect(request!.form.get('Body')).toContain('https://support.example.com/webhooks/sms/r/');
    expect(request!.form.get('Body')).not.toContain('s3cret');
    // Status callbacks come back signed over the URL with credentials too.
    const status = fixture('status-undelivered.form', { MessageSid: 'SM' + 'f'.repeat(32) });
    const callback = await postWebhook(frontdesk.app, '/webhooks/sms/status', status, { signature: sign(`${withAuth}/webhooks/sms/status`, status) });
    expect(callback.status).toBe(204);
  });

  it('stores MMS media, keeping items over the size limit as links', async () => {
    await boot({ SMS_MAX_MEDIA_BYTES: '1000' });
    const mediaPath = (sid: string) => `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/MM4b6d8f0a2c4e6a8b0d2f4a6c8e0b2d47/Media/${sid}`;
    const photo = Buffer.alloc(600, 7);
    api.serveMedia(mediaPath('ME0a1b2c3d4e5f60718293a4b5c6d7e8f9'), 'image/jpeg', photo);
    api.serveMedia(mediaPath('ME9f8e7d6c5b4a39281706f5e4d3c2b1a0'), 'image/png', Buffer.alloc(5000, 1));

    const response = await send(fixture('inbound-mms.form'));
    expect(response.status).toBe(200);
    const message = (await frontdesk.store.repo.findMessageByProviderId('sms', 'MM4b6d8f0a2c4e6a8b0d2f4a6c8e0b2d47'))!;
    expect(message.text).toBe('The box arrived damaged, photos attached');
    const attachments = await frontdesk.store.repo.listAttachments([message.id]);
    expect(attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([
      ['ME0a1b2c3d4e5f60718293a4b5c6d7e8f9.jpg', 'image/jpeg', 600],
      ['ME9f8e7d6c5b4a39281706f5e4d3c2b1a0.png', 'image/png', 5000],
    ]);
    const stored = await frontdesk.store.repo.getAttachmentData(attachments[0]!.id);
    expect(Buffer.from(stored!.data!)).toEqual(photo);
    const linkOnly = await frontdesk.store.repo.getAttachmentData(attachments[1]!.id);
    expect(linkOnly!.data).toBeNull();
    expect(linkOnly!.attachment.url).toMatch(/^https:\/\/api\.twilio\.com\/.+\/Media\/ME9f8e/);
    expect(message.meta).toMatchObject({ mediaNotes: [expect.stringContaining('1000-byte limit')] });
  });

  it('keeps an MMS whose media cannot be fetched', async () => {
    await boot();
    const response = await send(fixture('inbound-mms.form'));
    expect(response.status).toBe(200);
    const message = (await frontdesk.store.repo.findMessageByProviderId('sms', 'MM4b6d8f0a2c4e6a8b0d2f4a6c8e0b2d47'))!;
    const attachments = await frontdesk.store.repo.listAttachments([message.id]);
    expect(attachments).toHaveLength(2);
    expect(message.meta).toMatchObject({ mediaNotes: [expect.stringContaining('HTTP 404'), expect.stringContaining('HTTP 404')] });
  });

  it('shortens a long reply to the segment cap with a signed link to the full text', async () => {
    await boot({ SMS_MAX_SEGMENTS: '2' });
    const sentence = 'Returns are free within thirty days of delivery for unworn items in their original packaging. ';
    replyText = () => `**Our return policy:** ${sentence.repeat(8)}`;
    await send(inbound());
    const body = api.requests[0]!.form.get('Body')!;
    expect(body.length).toBeLessThanOrEqual(306);
    const link = /Full reply: (\S+)$/.exec(body)![1]!;
    expect(link.startsWith(`${PUBLIC_URL}/webhooks/sms/r/`)).toBe(true);
    const page = await frontdesk.app.request(link.slice(PUBLIC_URL.length));
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(`Our return policy: ${sentence.repeat(8).trim()}`);
    const forgedLink = await frontdesk.app.request(`${link.slice(PUBLIC_URL.length, -4)}AAAA`);
    expect(forgedLink.status).toBe(404);
  });

  it('records an opt-out when Twilio refuses an unsubscribed recipient (21610)', async () => {
    await boot();
    api.respondOnce(() => ({ status: 400, body: jsonFixture('error-21610.json') }));
    await send(inbound());
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const reply = (await frontdesk.store.repo.listMessages(conversation!.id)).find((m) => m.direction === 'outbound')!;
    expect(reply.deliveryStatus).toBe('refused');
    expect(await frontdesk.store.repo.isOptedOut('sms', CUSTOMER)).toBe(true);
  });

  it('fails an invalid number without retrying', async () => {
    await boot();
    api.respondOnce(() => ({ status: 400, body: jsonFixture('error-21211.json') }));
    await send(inbound());
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const reply = (await frontdesk.store.repo.listMessages(conversation!.id)).find((m) => m.direction === 'outbound')!;
    expect(reply).toMatchObject({ deliveryStatus: 'failed', attempts: 1 });
    expect(reply.error).toContain('twilio_21211');
    expect(await frontdesk.outbox.drain()).toBe(0);
  });

  it('retries a throttled send after Retry-After', async () => {
    const clock = manualClock();
    await boot({}, clock);
    api.respondOnce(() => ({ status: 429, body: jsonFixture('error-20429.json'), headers: { 'retry-after': '30' } }));
    await send(inbound());
    const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    const reply = () => frontdesk.store.repo.listMessages(conversation!.id).then((all) => all.find((m) => m.direction === 'outbound')!);
    expect(await reply()).toMatchObject({ deliveryStatus: 'pending', attempts: 1 });
    expect((await reply()).error).toContain('twilio_http_429');

    clock.advance(29_000);
    expect(await frontdesk.outbox.drain()).toBe(0);
    clock.advance(2_000);
    expect(await frontdesk.outbox.drain()).toBe(1);
    expect(api.requests).toHaveLength(2);
    expect(await reply()).toMatchObject({ deliveryStatus: 'queued', attempts: 2 });
  });

  it('starts a new conversation when the last one was resolved longer ago than the window', async () => {
    const clock = manualClock();
    await boot({ SMS_NEW_CONVERSATION_HOURS: '2' }, clock);
    await send(textFromCustomer('Where is my order?'));
    const [first] = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    await frontdesk.support.resolve(first!.id, 'human');

    clock.advance(60 * 60_000);
    await send(textFromCustomer('One more question'));
    expect(await frontdesk.store.repo.listConversations({ channel: 'sms' })).toHaveLength(1);
    await frontdesk.support.resolve(first!.id, 'human');

    clock.advance(3 * 60 * 60_000);
    await send(textFromCustomer('A new problem'));
    const all = await frontdesk.store.repo.listConversations({ channel: 'sms' });
    expect(all).toHaveLength(2);
    expect(new Set(all.map((c) => c.threadKey))).toEqual(new Set([`${CUSTOMER}|${OUR_NUMBER}`]));
  });

  it('rejects a webhook without the message fields', async () => {
    await boot();
    const params = new URLSearchParams({ AccountSid: ACCOUNT_SID, Body: 'hi' });
    const response = await postWebhook(frontdesk.app, '/webhooks/sms', params);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_sms_webhook' } });
  });
});
