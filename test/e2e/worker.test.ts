/**
 * The Workers build (wrangler.toml, src/entry/worker.ts) in local workerd, driven over HTTP as a
 * browser and the widget would: a web conversation answered inside the Durable Object, with and
 * without `?wait=1` (then the reply comes on the event stream, computed after the response was
 * sent), stored in the object's SQLite across a restart, static assets served beside it, and the
 * Cron Trigger's sweep; and the Store contract run inside workerd on the Durable Object store
 * (test/workers). SMS runs against a local Twilio API (test/integration/sms-support.ts): a signed
 * webhook answered after the acknowledgement, a forged one refused, and a failed send re-sent by
 * the Cron Trigger's sweep. Nothing reaches the network (test/support/wrangler.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkspaceUsers, slackFixture, slackHeaders, startSlackApi, type SlackApi } from '../integration/slack-web-api.ts';
import { CUSTOMER, fixture, OUR_NUMBER, PUBLIC_URL, sign, smsEnv, startTwilioApi, type TwilioApi } from '../integration/sms-support.ts';
import { startLocalHttp, sendJson, type LocalHttpServer } from '../support/local-http.ts';
import { readEvents } from '../support/sse.ts';
import { buildWorker, startLocalWorker, type LocalWorker } from '../support/wrangler.ts';

let worker: LocalWorker;
let twilioApi: TwilioApi;
let resendApi: LocalHttpServer;
let slackApi: SlackApi;
const SLACK_SECRET = 'workers-slack-signing-secret';
/** Resolved on each request Resend's side receives. */
const resendArrivals: (() => void)[] = [];
const persistTo = mkdtempSync(join(tmpdir(), 'frontdesk-worker-'));
const SUPPORT_ADDRESS = 'support@northwind.example';
/** The first admin, from the environment: the only way into a new object's console. */
const FIRST_ADMIN = { email: 'lead@northwind.example', password: 'a-long-first-password' };
/** The worker with SMS, email and Slack on, their provider APIs the local ones. */
const startWorker = () =>
  startLocalWorker(persistTo, 'wrangler.toml', {
    ...smsEnv(twilioApi.url),
    EMAIL_ADDRESS: SUPPORT_ADDRESS,
    RESEND_API_KEY: 're_test_key',
    RESEND_API_URL: resendApi.url,
    SLACK_BOT_TOKEN: 'xoxb-workers',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_API_URL: slackApi.url,
    FRONTDESK_ADMIN_EMAIL: FIRST_ADMIN.email,
    FRONTDESK_ADMIN_PASSWORD: FIRST_ADMIN.password,
  });

beforeAll(async () => {
  twilioApi = await startTwilioApi();
  slackApi = await startSlackApi();
  addWorkspaceUsers(slackApi);
  // Resend's POST /emails: 200 with the email's id.
  resendApi = await startLocalHttp((_request, response) => {
    sendJson(response, 200, { id: `email-${resendApi.requests.length}` });
    for (const arrived of resendArrivals.splice(0)) arrived();
  });
  await buildWorker();
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await twilioApi?.close();
  await resendApi?.close();
  await slackApi?.close();
  rmSync(persistTo, { recursive: true, force: true });
});

interface VisitorMessage {
  id: string;
  direction: 'inbound' | 'outbound';
  authorKind: string;
  text: string;
  route: string | null;
  deliveryStatus: string;
}

async function startConversation() {
  const res = await fetch(`${worker.url}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) });
  expect(res.status).toBe(201);
  const body = (await res.json()) as { conversation: { id: string }; visitorToken: string };
  return { id: body.conversation.id, headers: { authorization: `Bearer ${body.visitorToken}`, 'content-type': 'application/json' } };
}

/** The first admin's console session: cookie and CSRF header, as the console sends changes. */
async function staffHeaders(): Promise<Record<string, string>> {
  const res = await fetch(`${worker.url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' }, body: JSON.stringify(FIRST_ADMIN) });
  expect(res.status, worker.output()).toBe(200);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-frontdesk-csrf': '1' };
}

/** A staff reply with one file to the newest conversation on `channel`. */
async function replyWithFile(channel: string, file: File) {
  const staff = await staffHeaders();
  const listed = (await (await fetch(`${worker.url}/v1/conversations?channel=${channel}&limit=1`, { headers: staff })).json()) as { conversations: { id: string }[] };
  const form = new FormData();
  form.set('text', 'Here is your return label.');
  form.append('files', file);
  const res = await fetch(`${worker.url}/v1/conversations/${listed.conversations[0]!.id}/replies`, { method: 'POST', headers: staff, body: form });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
}

const LABEL = new TextEncoder().encode('%PDF-1.4\n% a return label\n%%EOF\n');

async function messagesOf(conversation: Awaited<ReturnType<typeof startConversation>>): Promise<VisitorMessage[]> {
  const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, { headers: conversation.headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: VisitorMessage[] }).messages;
}

describe('Frontdesk on Workers (wrangler dev --local)', () => {
  it('answers a web visitor with ?wait=1 in the response, from the knowledge base in the object\'s SQLite', async () => {
    const conversation = await startConversation();
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'What is your return policy?' }),
    });
    expect(res.status, worker.output()).toBe(200);
    const body = (await res.json()) as { message: VisitorMessage; reply: VisitorMessage };
    expect(body.message).toMatchObject({ direction: 'inbound', text: 'What is your return policy?' });
    expect(body.reply).toMatchObject({ direction: 'outbound', authorKind: 'bot', route: 'faq', deliveryStatus: 'delivered' });
    expect(body.reply.text).toMatch(/30 days/);
  });

  it('acknowledges without ?wait=1 and sends the reply, computed after the response, on the event stream', async () => {
    const conversation = await startConversation();
    // The stream is open before the message is sent; a deadline guards the read, not a sleep.
    const stream = await fetch(`${worker.url}/v1/conversations/${conversation.id}/events`, { headers: conversation.headers, signal: AbortSignal.timeout(30_000) });
    expect(stream.status).toBe(200);
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'Do you ship internationally?' }),
    });
    expect(res.status).toBe(202);
    const acknowledged = ((await res.json()) as { message: VisitorMessage }).message;
    const replied = (events: { event: string; data: string }[]) => events.some((e) => e.event === 'message' && (JSON.parse(e.data) as VisitorMessage).direction === 'outbound');
    const events = await readEvents(stream, replied);
    const reply = events.map((e) => (e.event === 'message' ? (JSON.parse(e.data) as VisitorMessage) : null)).find((m) => m?.direction === 'outbound')!;
    expect(reply).toMatchObject({ authorKind: 'bot', deliveryStatus: 'delivered' });
    expect(reply.text.length).toBeGreaterThan(20);
    // Stored too: the message list has the question and the answer, in order.
    expect((await messagesOf(conversation)).map((m) => m.id)).toEqual([acknowledged.id, reply.id]);
  });

  it('refuses a bad message with a 4xx JSON error and stores nothing', async () => {
    const conversation = await startConversation();
    const res = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages`, { method: 'POST', headers: conversation.headers, body: JSON.stringify({ text: '' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    expect(await messagesOf(conversation)).toEqual([]);
  });

  it('serves the widget and the console as static assets, and never the boot file with the model', async () => {
    const widget = await fetch(`${worker.url}/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('access-control-allow-origin')).toBe('*');
    expect((await widget.text()).length).toBeGreaterThan(1000);
    for (const path of ['/console/', '/console/conversations/abc']) {
      const page = await fetch(`${worker.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-security-policy'), path).toContain("default-src 'self'");
      expect(await page.text(), path).toContain('<div id=');
    }
    const boot = await fetch(`${worker.url}/_frontdesk/boot.json`);
    expect(boot.status).toBe(404);
    expect(await boot.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('lets the first admin from the environment sign in to the console, and no one with a wrong password', async () => {
    const login = (password: string) =>
      fetch(`${worker.url}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' }, body: JSON.stringify({ email: FIRST_ADMIN.email, password }) });
    const wrong = await login('not-the-password');
    expect(wrong.status).toBe(401);
    const right = await login(FIRST_ADMIN.password);
    expect(right.status).toBe(200);
    const cookie = right.headers.get('set-cookie')!.split(';')[0]!;
    const me = await fetch(`${worker.url}/console/api/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ user: { email: FIRST_ADMIN.email, role: 'admin' } });
  });

  it('runs the Cron Trigger\'s sweep in the object', async () => {
    const res = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
    expect(res.status, worker.output()).toBe(200);
    expect(worker.output()).not.toMatch(/outbox drain failed|recovery failed|auto-resolve failed/);
  });

  it('passes the Store contract in workerd, on a fresh Durable Object\'s SQLite', async () => {
    const contract = await startLocalWorker(join(persistTo, 'contract'), join('test', 'workers', 'wrangler.contract.toml'));
    try {
      const res = await fetch(`${contract.url}/run`);
      expect(res.status, contract.output()).toBe(200);
      const outcomes = (await res.json()) as { name: string; ok: boolean; error?: string }[];
      expect(outcomes.length).toBeGreaterThanOrEqual(24);
      expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    } finally {
      await contract.stop();
    }
  });

  it('keeps conversations in the Durable Object\'s SQLite across a restart of the runtime', async () => {
    const conversation = await startConversation();
    const sent = await fetch(`${worker.url}/v1/conversations/${conversation.id}/messages?wait=1`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ text: 'How long does a refund take?' }),
    });
    expect(sent.status).toBe(200);
    const before = await messagesOf(conversation);
    expect(before).toHaveLength(2);
    await worker.stop();
    worker = await startWorker();
    expect(await messagesOf(conversation)).toEqual(before);
  });
});

/** Posts a Twilio webhook to the worker, signed as Twilio signs it for PUBLIC_URL + path. */
function postTwilio(path: string, params: URLSearchParams, signature = sign(`${PUBLIC_URL}${path}`, params)) {
  return fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: params.toString() });
}

let texts = 0;
/** A customer's text, with a MessageSid of its own. */
function customerText(body: string) {
  texts += 1;
  const sid = `SM${String(texts).padStart(32, 'f')}`;
  return fixture('inbound-sms.form', { Body: body, MessageSid: sid, SmsMessageSid: sid, SmsSid: sid });
}

describe('SMS on Workers (Twilio over fetch, a local Twilio API)', () => {
  it('answers a signed webhook with empty TwiML, then sends the reply, computed after the acknowledgement, through the Messages API', async () => {
    const before = twilioApi.requests.length;
    const res = await postTwilio('/webhooks/sms', customerText('What is your return policy?'));
    expect(res.status, worker.output()).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    await twilioApi.waitForRequests(before + 1);
    const sent = twilioApi.requests[before]!;
    expect(sent.form.get('To')).toBe(CUSTOMER);
    expect(sent.form.get('From')).toBe(OUR_NUMBER);
    expect(sent.form.get('Body')).toMatch(/30 days/);
    expect(sent.form.get('StatusCallback')).toBe(`${PUBLIC_URL}/webhooks/sms/status`);
  });

  it('refuses a forged webhook with 403 JSON', async () => {
    const params = customerText('Refund me');
    const res = await postTwilio('/webhooks/sms', params, sign(`${PUBLIC_URL}/webhooks/sms`, params, 'not-the-auth-token'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_signature', message: expect.any(String) } });
  });

  it('answers HELP in TwiML', async () => {
    const res = await postTwilio('/webhooks/sms', customerText('help'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Message>Northwind support: text us your question. Reply STOP to opt out.</Message>');
  });

  it('re-sends a reply whose send failed from the Cron Trigger\'s sweep', async () => {
    const before = twilioApi.requests.length;
    const accepted = twilioApi.accepted.length;
    twilioApi.respondOnce(() => ({ status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } }));
    expect((await postTwilio('/webhooks/sms', customerText('Do you ship internationally?'))).status).toBe(200);
    await twilioApi.waitForRequests(before + 1);
    expect(twilioApi.accepted).toHaveLength(accepted);
    // Workers run no timers between requests: only the sweep sends it again, once its backoff (about
    // a second) is due. Each pass is one scheduled event; the loop ends on the send, not on a clock.
    for (let pass = 0; twilioApi.requests.length === before + 1; pass += 1) {
      expect(pass, 'the sweep never re-sent the reply').toBeLessThan(2_000);
      const res = await fetch(`${worker.url}/__scheduled?cron=*+*+*+*+*`);
      expect(res.status, worker.output()).toBe(200);
    }
    expect(twilioApi.accepted).toHaveLength(accepted + 1);
    expect(twilioApi.requests.at(-1)!.form.get('Body')).toBe(twilioApi.requests[before]!.form.get('Body'));
  });

  it('sends a staff reply\'s file as MMS, its signed MediaUrl served from the object\'s SQLite', async () => {
    const before = twilioApi.requests.length;
    expect((await postTwilio('/webhooks/sms', customerText('Can you send me a return label?'))).status).toBe(200);
    await twilioApi.waitForRequests(before + 1);
    const { status } = await replyWithFile('sms', new File([LABEL], 'label.pdf', { type: 'application/pdf' }));
    expect(status, worker.output()).toBe(201);
    await twilioApi.waitForRequests(before + 2);
    const mediaUrls = twilioApi.requests[before + 1]!.form.getAll('MediaUrl');
    expect(mediaUrls).toHaveLength(1);
    expect(mediaUrls[0]!.startsWith(`${PUBLIC_URL}/webhooks/sms/media/`)).toBe(true);
    const media = await fetch(`${worker.url}${mediaUrls[0]!.slice(PUBLIC_URL.length)}`);
    expect([media.status, media.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(LABEL);
    const forged = await fetch(`${worker.url}${mediaUrls[0]!.slice(PUBLIC_URL.length, -2)}AA`);
    expect(forged.status).toBe(404);
  });
});

describe('Email on Workers (Email Workers in, Resend out)', () => {
  it('reads a mail from the email() handler with the IMAP poller\'s parser and sends the threaded reply through Resend', async () => {
    const raw = [
      'From: Grace Hopper <grace@customer.example>',
      `To: Northwind Support <${SUPPORT_ADDRESS}>`,
      'Subject: Return policy',
      'Message-ID: <question-1@customer.example>',
      'Date: Mon, 07 Dec 2026 10:00:00 +0000',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Hello, what is your return policy?',
      '',
    ].join('\r\n');
    const before = resendApi.requests.length;
    const res = await fetch(`${worker.url}/cdn-cgi/handler/email?from=grace%40customer.example&to=${encodeURIComponent(SUPPORT_ADDRESS)}`, { method: 'POST', body: raw });
    expect(res.status, worker.output()).toBe(200);
    const sent = await resendRequest(before);
    expect(sent.url).toBe('/emails');
    expect(sent.headers.authorization).toBe('Bearer re_test_key');
    expect(sent.headers['idempotency-key']).toMatch(/^[0-9A-Z]{26}$/);
    const email = JSON.parse(sent.body) as { from: string; to: string[]; subject: string; text: string; reply_to: string; headers: Record<string, string> };
    expect(email).toMatchObject({ from: SUPPORT_ADDRESS, to: ['"Grace Hopper" <grace@customer.example>'], subject: 'Re: Return policy' });
    expect(email.text).toMatch(/30 days/);
    expect(email.reply_to).toMatch(/^support\+[0-9a-z]{26}@northwind\.example$/);
    expect(email.headers).toMatchObject({ 'In-Reply-To': '<question-1@customer.example>', References: '<question-1@customer.example>', 'Auto-Submitted': 'auto-replied' });
  });
});

/** Posts an Events API body to the worker, signed as Slack signs it. */
function postSlack(body: string, secret = SLACK_SECRET) {
  return fetch(`${worker.url}/webhooks/slack/events`, { method: 'POST', headers: slackHeaders(secret, body, 'application/json'), body });
}

describe('Slack on Workers (Events API and chat.postMessage over fetch)', () => {
  it('answers url_verification, and refuses an unsigned or wrongly signed request with 401 JSON', async () => {
    const challenge = slackFixture<string>('url_verification.json');
    const res = await postSlack(JSON.stringify(challenge));
    expect(res.status, worker.output()).toBe(200);
    expect(await res.json()).toEqual({ challenge: (challenge as unknown as { challenge: string }).challenge });
    const forged = await postSlack(JSON.stringify(challenge), 'another-secret');
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ error: { code: 'slack_signature_invalid' } });
  });

  it('acknowledges a direct message at once and posts the answer in its thread afterwards', async () => {
    const before = slackApi.of('chat.postMessage').length;
    const res = await postSlack(JSON.stringify(slackFixture('message_im.json')));
    expect(res.status, worker.output()).toBe(200);
    await slackApi.waitForCalls('chat.postMessage', before + 1);
    const posted = slackApi.of('chat.postMessage')[before]!;
    expect(posted.token).toBe('xoxb-workers');
    expect(posted.args).toMatchObject({ channel: 'D024BE91L', thread_ts: '1355517523.000005' });
    expect(String(posted.args.text).length).toBeGreaterThan(20);
    // Slack's retry of the same event_id is acknowledged too (the first delivery claimed it).
    expect((await postSlack(JSON.stringify(slackFixture('message_im.json')))).status).toBe(200);
  });

  it('refuses a staff reply with a file with 422: the upload flow runs on Node only', async () => {
    const uploads = slackApi.of('files.getUploadURLExternal').length;
    const { status, body } = await replyWithFile('slack', new File([LABEL], 'label.pdf', { type: 'application/pdf' }));
    expect([status, body.error?.code]).toEqual([422, 'attachments_unsupported']);
    expect(body.error!.message).toContain('slack');
    expect(slackApi.of('files.getUploadURLExternal')).toHaveLength(uploads);
  });
});

/** The Resend request after the first `seen`, once it arrives (the worker sends after answering). */
async function resendRequest(seen: number) {
  while (resendApi.requests.length <= seen) await new Promise<void>((resolve) => resendArrivals.push(resolve));
  return resendApi.requests[seen]!;
}
