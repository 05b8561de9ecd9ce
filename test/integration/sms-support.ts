/**
 * Test kit for the SMS channel: fixtures signed as Twilio signs them, and a local server that
 * speaks the Messages API (and serves MMS media) for the real `twilio` client.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import twilio from 'twilio';
import { ROOT } from '../support/paths.ts';

export const ACCOUNT_SID = 'AC5f2e8d0c9b7a4e3f1d6c8b2a9e7f4d01';
export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
export const MESSAGING_SERVICE_SID = 'MG7c3e9a1f5b8d2e6c4a0f9b3d7e1c5a82';
export const PUBLIC_URL = 'https://support.example.com';
export const OUR_NUMBER = '+14155550100';
export const CUSTOMER = '+14155550123';

const DIR = join(ROOT, 'test', 'fixtures', 'sms');

/** A recorded webhook body as form parameters, with fields replaced or added. */
export function fixture(name: string, overrides: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams(readFileSync(join(DIR, name), 'utf8'));
  for (const [key, value] of Object.entries(overrides)) params.set(key, value);
  return params;
}

export function jsonFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(DIR, name), 'utf8')) as Record<string, unknown>;
}

/** X-Twilio-Signature for a body posted to `url`, computed as Twilio does. */
export function sign(url: string, params: URLSearchParams, token = AUTH_TOKEN): string {
  return twilio.getExpectedTwilioSignature(token, url, Object.fromEntries(params));
}

/** Posts a webhook to the app the way Twilio would, signed for PUBLIC_URL + path. */
export function postWebhook(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
  path: string,
  params: URLSearchParams,
  options: { signature?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return Promise.resolve(
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': options.signature ?? sign(`${PUBLIC_URL}${path}`, params),
        ...options.headers,
      },
      body: params.toString(),
    }),
  );
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | null;
  form: URLSearchParams;
}

type Responder = (request: RecordedRequest) => { status: number; body: unknown; headers?: Record<string, string> };

/** A message the local API accepted, as Twilio's message resource (snake_case JSON). */
type MessageResource = Record<string, unknown> & { sid: string; to: string | null; from: string | null; body: string | null; date_sent: string };

/** Twilio's page envelope around a list of messages (one page: the local API never paginates). */
function messagePage(path: string, messages: MessageResource[]) {
  return { messages, end: Math.max(messages.length - 1, 0), first_page_uri: path, next_page_uri: null, page: 0, page_size: 1000, previous_page_uri: null, start: 0, uri: path };
}

/** Whether a message matches the list filters the twilio client sends (To, From, DateSent>=). */
function matchesListQuery(message: MessageResource, query: URLSearchParams): boolean {
  const to = query.get('To');
  const from = query.get('From');
  const sentAfter = query.get('DateSent>');
  if (to && message.to !== to) return false;
  if (from && message.from !== from) return false;
  return !sentAfter || Date.parse(message.date_sent) >= Date.parse(sentAfter);
}

/**
 * A local Twilio API: `POST /2010-04-01/Accounts/{Sid}/Messages.json` answers a message resource
 * (201) unless a queued responder or an outage says otherwise; `GET` on the same path lists the
 * accepted messages with Twilio's To/From/DateSent filters; media paths answer from `media`.
 * `answerDelayMs` holds each accepted message's answer back (the message is accepted first, as
 * at Twilio): a process killed in that window never learns that its reply went out.
 */
export async function startTwilioApi(options: { answerDelayMs?: number } = {}) {
  const requests: RecordedRequest[] = [];
  const accepted: MessageResource[] = [];
  const responders: Responder[] = [];
  let outage: Responder | null = null;
  let unanswered = 0;
  const media = new Map<string, { contentType: string; data: Buffer }>();
  const waiters: { count: number; resolve: () => void }[] = [];
  let counter = 0;
  const template = jsonFixture('message-resource.json');
  const messagesPath = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

  function accept(form: URLSearchParams): MessageResource {
    counter += 1;
    const sid = `SM${String(counter).padStart(32, '0')}`;
    // RFC 2822 like Twilio's; seconds only, so a lookup's DateSent bound is rounded down the same way.
    const now = new Date(Math.floor(Date.now() / 1000) * 1000).toUTCString().replace('GMT', '+0000');
    const message: MessageResource = {
      ...template,
      sid,
      body: form.get('Body'),
      to: form.get('To'),
      from: form.get('From'),
      messaging_service_sid: form.get('MessagingServiceSid'),
      status: form.get('MessagingServiceSid') ? 'accepted' : 'queued',
      date_created: now,
      date_updated: now,
      date_sent: now,
      uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json`,
    };
    accepted.push(message);
    return message;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url!, 'http://local');
    const path = url.pathname;
    const recorded: RecordedRequest = {
      method: req.method!,
      path,
      authorization: req.headers.authorization ?? null,
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    };
    const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    if (recorded.authorization !== expectedAuth) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }));
      return;
    }
    const item = media.get(path);
    if (req.method === 'GET' && item) {
      res.writeHead(200, { 'content-type': item.contentType, 'content-length': String(item.data.byteLength) });
      res.end(item.data);
      return;
    }
    if (req.method === 'GET' && path === messagesPath) {
      const listed = accepted.filter((m) => matchesListQuery(m, url.searchParams)).reverse();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(messagePage(`${path}${url.search}`, listed)));
      return;
    }
    if (req.method === 'POST' && path === messagesPath) {
      requests.push(recorded);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const answer = (responders.shift() ?? outage)?.(recorded);
      if (answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
        return;
      }
      const message = accept(recorded.form);
      if (options.answerDelayMs) {
        unanswered += 1;
        await new Promise((resolve) => setTimeout(resolve, options.answerDelayMs));
        unanswered -= 1;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(message));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
  };

  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    /** Message creations received, in order (accepted or not). */
    requests,
    /** Messages accepted (created), in order: what customers' phones receive. */
    accepted,
    /** Messages accepted whose answer is still held back (`answerDelayMs`). */
    get unanswered() {
      return unanswered;
    },
    /** The next Messages API call answers with this instead of a created message. */
    respondOnce(responder: Responder) {
      responders.push(responder);
    },
    /** Every creation answers with this until `recover()` (a provider outage). */
    startOutage(responder: Responder) {
      outage = responder;
    },
    recover() {
      outage = null;
    },
    serveMedia(path: string, contentType: string, data: Buffer) {
      media.set(path, { contentType, data });
    },
    /** Resolves when `count` message creations arrived. */
    waitForRequests(count: number): Promise<void> {
      if (requests.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type TwilioApi = Awaited<ReturnType<typeof startTwilioApi>>;

/** The environment of a Frontdesk with SMS on, pointed at the local API. */
export function smsEnv(apiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_URL: PUBLIC_URL,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM_NUMBER: OUR_NUMBER,
    TWILIO_API_URL: apiUrl,
    SMS_HELP_TEXT: 'Northwind support: text us your question. Reply STOP to opt out.',
    ...extra,
  };
}
