/**
 * Hostile input against every route of the API document (/openapi.json), as a reviewer with a
 * fuzzer would send it, on SQLite and PostgreSQL: bad path ids, query values and bodies (wrong
 * content type, malformed JSON, the wrong shape, 10k-deep nesting, NUL characters, lone surrogates,
 * prototype keys, oversize), requests without the right credentials. Every answer is a 4xx (or a
 * success where the input is merely odd) with the one error shape `{error: {code, message}}`, never
 * a 5xx or a hang; a refused request leaves every table as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { openCountedPostgres, openCountedSqlite, type CountedStore } from '../support/counted-stores.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { slackFixture, slackHeaders } from './slack-web-api.ts';
import { fixture, postWebhook, smsEnv } from './sms-support.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

interface Operation {
  method: string;
  /** As documented, with `{name}` parameters. */
  path: string;
  auth: 'none' | 'visitor' | 'staff' | 'provider';
  queryNames: string[];
  /** The documented example of a JSON body, when the route takes one. */
  jsonExample: Json | null;
}

/** Where a response body says what went wrong, in the one shape every error has. */
const ERROR_SHAPE = /^\{"error":\{"code":"[a-z0-9_]+","message":"[^"]/;
const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';
const OVERSIZE = 300_000; // over MAX_BODY_BYTES (64 KiB) and the articles' 256 KiB

function operationsOf(doc: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      const schemes = new Set((op.security ?? []).flatMap((s: Json) => Object.keys(s)));
      const auth = schemes.has('visitorToken') ? 'visitor' : schemes.has('staffToken') ? 'staff' : schemes.has('twilioSignature') || schemes.has('slackSignature') ? 'provider' : 'none';
      operations.push({
        method: method.toUpperCase(),
        path,
        auth,
        queryNames: (op.parameters ?? []).filter((p: Json) => p.in === 'query').map((p: Json) => p.name),
        jsonExample: op.requestBody?.content?.['application/json'] ? (op.requestBody.content['application/json'].example ?? {}) : null,
      });
    }
  }
  return operations;
}

function suite(open: () => Promise<CountedStore>) {
  let counted: CountedStore;
  let fd: Frontdesk;
  let admin: string;
  let conversationId: string;
  let contactId: string;
  let visitorToken: string;
  let otherVisitorToken: string;
  let operations: Operation[];

  beforeAll(async () => {
    counted = await open();
    fd = await createTestFrontdesk({
      store: counted.store,
      engine: scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: 'We ship worldwide.' })),
      env: {
        ...smsEnv('http://127.0.0.1:9'),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: 'slack-signing-secret',
        SLACK_SUPPORT_CHANNEL: 'C0DESK0001',
        SLACK_API_URL: 'http://127.0.0.1:9/api/',
      },
    });
    admin = (await createApiToken(fd.store, fd.clock, { name: 'bad-input' })).token;
    const start = async () => (await (await fd.app.request('/v1/conversations', post({ name: 'Maria', text: 'do you ship abroad?' }))).json()) as Json;
    const started = await start();
    conversationId = started.conversation.id;
    visitorToken = started.visitorToken;
    otherVisitorToken = (await start()).visitorToken;
    await fd.pipeline.idle();
    contactId = (await fd.store.repo.getConversation(conversationId))!.contactId;
    operations = operationsOf((await (await fd.app.request('/openapi.json')).json()) as Json);
  });
  afterAll(async () => {
    await fd?.stop();
    await counted?.close();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const credentials = (op: Operation): Record<string, string> => {
    const chosen = op.auth === 'visitor' ? visitorToken : op.auth === 'staff' ? admin : undefined;
    return chosen ? { authorization: `Bearer ${chosen}` } : {};
  };
  /** The path with real ids (the sweep's own conversation and contact), or `value` for every parameter. */
  const pathOf = (op: Operation, value?: string) =>
    op.path.replace(/\{(\w+)\}/g, (_, name: string) => value ?? (name === 'id' && op.path.startsWith('/v1/conversations/') ? conversationId : name === 'id' && op.path.startsWith('/v1/contacts/') ? contactId : 'unknown'));

  type Init = RequestInit & { headers?: Record<string, string> };
  /** The operation's request with its caller's credentials, unless `init` brings others. */
  const request = (op: Operation, path: string, init: Init) => fd.app.request(path, { method: op.method, ...init, headers: { ...credentials(op), ...init.headers } });
  const json = (body: string) => ({ headers: { 'content-type': 'application/json' }, body });

  /** Sends a request; a problem with its answer is returned as a line, for one readable list per sweep. */
  async function send(label: string, op: Operation, path: string, init: Init, expected?: { status: number; code: string | string[] }) {
    const res = await request(op, path, init);
    if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await res.body?.cancel();
      return expected ? `${label}: ${op.method} ${op.path} streamed instead of ${expected.status}` : null;
    }
    const text = await res.text();
    const where = `${label}: ${op.method} ${path.slice(0, 100)} → ${res.status} ${text.slice(0, 120)}`;
    if (res.status >= 500) return where;
    if (res.status >= 400 && !ERROR_SHAPE.test(text)) return `${where} (not the error shape)`;
    if (expected && (res.status !== expected.status || ![expected.code].flat().includes(JSON.parse(text).error?.code))) return `${where} (expected ${expected.status} ${expected.code})`;
    return null;
  }
  const refused = (status: number) => status >= 400 && status < 500;
  async function expectRefused(label: string, op: Operation, path: string, init: Init) {
    const res = await request(op, path, init);
    const text = await res.text();
    return refused(res.status) && ERROR_SHAPE.test(text) ? null : `${label}: ${op.method} ${op.path} → ${res.status} ${text.slice(0, 120)}`;
  }

  it('refuses NUL characters and lone surrogates in paths, queries and body fields with a 400, storing nothing', async () => {
    const before = await counted.rowCounts();
    const problems: (string | null)[] = [];
    const unstorable = { status: 400, code: 'unstorable_text' };
    // A field with a rule of its own against control characters (a message's text) names that rule.
    const refusedField = { status: 400, code: ['unstorable_text', 'invalid_input'] };
    for (const op of operations) {
      if (op.path.includes('{')) problems.push(await send('NUL id', op, pathOf(op, 'a%00b'), {}, unstorable));
      for (const name of op.queryNames) problems.push(await send(`NUL ${name}`, op, `${pathOf(op)}?${name}=%00`, {}, unstorable));
      if (op.jsonExample === null || op.auth === 'provider') continue;
      for (const field of Object.keys(op.jsonExample)) {
        for (const [what, value] of [['NUL', NUL], ['lone surrogate', LONE_SURROGATE]]) {
          problems.push(await send(`${what} in ${field}`, op, pathOf(op), json(JSON.stringify({ ...op.jsonExample, [field]: value })), refusedField));
        }
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('answers bodies of the wrong type, shape, encoding or size with a 4xx error, storing nothing', async () => {
    const before = await counted.rowCounts();
    const bodies: [string, string | Uint8Array<ArrayBuffer>, string | null][] = [
      ['empty', '', 'application/json'],
      ['malformed', '{"text": ', 'application/json'],
      ['an array', '[{"text":"hi"}]', 'application/json'],
      ['null', 'null', 'application/json'],
      ['a number', '42', 'application/json'],
      ['a string', '"hi"', 'application/json'],
      ['10k-deep arrays', '['.repeat(10_000) + ']'.repeat(10_000), 'application/json'],
      ['5k-deep objects', '{"text":' + '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_001), 'application/json'],
      ['Latin-1', new Uint8Array([0x7b, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3a, 0x22, 0xe9, 0x22, 0x7d]), 'application/json'],
      ['text/plain', '{"text":"hi"}', 'text/plain'],
      ['no content type', '{"text":"hi"}', null],
      ['oversize', JSON.stringify({ text: 'x'.repeat(OVERSIZE) }), 'application/json'],
    ];
    const problems: (string | null)[] = [];
    for (const op of operations) {
      if (op.jsonExample === null || op.path.endsWith('/replies')) continue; // replies take multipart too (own limits: reply-attachments.test.ts)
      for (const [label, body, type] of bodies) {
        problems.push(await expectRefused(label, op, pathOf(op), { body, headers: type ? { 'content-type': type } : {} }));
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('answers hostile ids and query values without a 5xx, in the error shape, storing nothing', async () => {
    const before = await counted.rowCounts();
    const problems: (string | null)[] = [];
    const ids = ['%FF', '%ED%A0%80', 'x'.repeat(2_000), '__proto__', 'constructor', '..%2F..%2Fetc%2Fpasswd', "1'%20or%20'1'%3D'1"];
    // 8640000000000001 is past the last Date; 9007199254740991 is the largest safe integer.
    const values = ['-1', '0', '1.5', 'NaN', 'Infinity', '1e309', '8640000000000001', '9007199254740991', '99999999999999999999', '', 'x'.repeat(5_000), '%FF', '__proto__'];
    for (const op of operations) {
      if (op.path.includes('{')) for (const id of ids) problems.push(await send('hostile id', op, pathOf(op, id), {}));
      for (const name of op.queryNames) {
        for (const value of values) problems.push(await send(`${name}=${value.slice(0, 12)}`, op, `${pathOf(op)}?${name}=${value}`, {}));
        problems.push(await send(`${name} twice`, op, `${pathOf(op)}?${name}=1&${name}=2`, {}));
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('answers fields of the wrong type and prototype keys without a 5xx, and pollutes no prototype', async () => {
    const problems: (string | null)[] = [];
    const values: unknown[] = [null, true, 0, -1, 1.5, 1e308, '', [], ['x'], {}, { nested: { deeper: [1, 2] } }];
    for (const op of operations) {
      if (op.jsonExample === null || op.auth === 'provider') continue;
      for (const field of Object.keys(op.jsonExample)) {
        for (const value of values) problems.push(await send(`${field}=${JSON.stringify(value)}`, op, pathOf(op), json(JSON.stringify({ ...op.jsonExample, [field]: value }))));
      }
      const example = JSON.stringify(op.jsonExample).slice(1, -1);
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        problems.push(await send(`${key} key`, op, pathOf(op), json(`{"${key}":{"polluted":true,"prototype":{"polluted":true}}${example ? `,${example}` : ''}}`)));
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(({} as Json).polluted).toBeUndefined();
    expect((Object.prototype as Json).polluted).toBeUndefined();
  });

  it('refuses staff routes without staff credentials, webhooks without the provider\'s signature, and one visitor another visitor\'s conversation, storing nothing', async () => {
    const before = await counted.rowCounts();
    const problems: (string | null)[] = [];
    for (const op of operations) {
      const init = op.jsonExample ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(op.jsonExample) } : {};
      if (op.auth === 'staff') {
        problems.push(await send('no token', { ...op, auth: 'none' }, pathOf(op), init, { status: 401, code: 'unauthorized' }));
        problems.push(await send('a visitor token', op, pathOf(op), { ...init, headers: { ...init.headers, authorization: `Bearer ${visitorToken}` } }, { status: 401, code: 'invalid_token' }));
      }
      if (op.auth === 'provider') {
        const forged = { 'x-twilio-signature': 'forged', 'x-slack-signature': 'v0=forged', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) };
        const body = op.path.startsWith('/webhooks/sms') ? fixture('inbound-sms.form').toString() : JSON.stringify(slackFixture('app_mention.json'));
        problems.push(await expectRefused('forged signature', op, pathOf(op), { body, headers: forged }));
      }
      if (op.auth === 'visitor') {
        problems.push(await send('no token', { ...op, auth: 'none' }, pathOf(op), init, { status: 401, code: 'unauthorized' }));
        problems.push(await send('another visitor', op, pathOf(op), { ...init, headers: { ...init.headers, authorization: `Bearer ${otherVisitorToken}` } }, { status: 403, code: 'wrong_visitor_token' }));
      }
    }
    expect(problems.filter(Boolean)).toEqual([]);
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('reads a page of messages only with a whole, positive limit', async () => {
    const url = `/v1/conversations/${conversationId}/messages`;
    const auth = { headers: { authorization: `Bearer ${visitorToken}` } };
    for (const limit of ['1.5', '-1', '0', 'NaN', '1e309', '201']) {
      const res = await fd.app.request(`${url}?limit=${limit}`, auth);
      expect(res.status, `limit=${limit}`).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe('invalid_query');
    }
    const page = (await (await fd.app.request(`${url}?limit=1`, auth)).json()) as Json;
    expect(page.messages).toHaveLength(1);
  });

  it('keeps a signed SMS whose text holds a NUL, once on redelivery, and refuses NUL ids, storing nothing for them', async () => {
    const sid = `SM${'c'.repeat(32)}`;
    const text = fixture('inbound-sms.form', { MessageSid: sid, Body: 'where is\u0000 my order?' });
    for (let delivery = 0; delivery < 2; delivery += 1) expect((await postWebhook(fd.app, '/webhooks/sms', text)).status).toBe(200);
    await fd.pipeline.idle();
    const stored = (await fd.store.repo.findMessageByProviderId('sms', sid))!;
    expect(stored.text).toBe('where is my order?');
    const thread = await fd.store.repo.listMessages(stored.conversationId, { includeInternal: true, limit: 50 });
    expect(thread.filter((m) => m.direction === 'inbound')).toHaveLength(1);
    const before = await counted.rowCounts();
    const bad = [
      ['/webhooks/sms', fixture('inbound-sms.form', { MessageSid: 'SM\u0000' })],
      ['/webhooks/sms', fixture('inbound-sms.form', { MessageSid: `SM${'d'.repeat(32)}`, From: '+1415555\u00000123' })],
      ['/webhooks/sms/status', fixture('status-delivered.form', { MessageSid: 'SM\u0000' })],
    ] as const;
    for (const [path, params] of bad) {
      const res = await postWebhook(fd.app, path, params);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe('unstorable_text');
    }
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('refuses signed Slack events and commands holding a NUL, storing nothing', async () => {
    const before = await counted.rowCounts();
    const mention = slackFixture<Json>('app_mention.json');
    const requests = [
      ['/events', JSON.stringify({ ...mention, event_id: 'Ev0NUL', event: { ...mention.event, text: 'hi\u0000' } }), 'application/json'],
      ['/events', JSON.stringify({ ...mention, event_id: 'Ev0NUL2', event: { ...mention.event, user: 'U\u0000' } }), 'application/json'],
      ['/commands', 'command=%2Ffrontdesk&text=status%201&user_id=U%00&channel_id=C0DESK0001', 'application/x-www-form-urlencoded'],
    ] as const;
    for (const [path, body, type] of requests) {
      const res = await fd.app.request(`/webhooks/slack${path}`, { method: 'POST', body, headers: slackHeaders('slack-signing-secret', body, type) });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe('unstorable_text');
    }
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('stores one message for concurrent redeliveries of an SMS and of a visitor\'s post', async () => {
    const sid = `SM${'a1'.repeat(16)}`;
    const sms = fixture('inbound-sms.form', { MessageSid: sid, Body: 'is my order late?' });
    const answers = await Promise.all([0, 1, 2].map(() => postWebhook(fd.app, '/webhooks/sms', sms)));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200]);
    const post = { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` }, body: JSON.stringify({ text: 'still there?', clientMessageId: 'retry-1' }) };
    const posts = await Promise.all([0, 1, 2].map(() => fd.app.request(`/v1/conversations/${conversationId}/messages`, post)));
    expect(posts.map((res) => res.status)).toEqual([202, 202, 202]);
    expect(new Set(await Promise.all(posts.map(async (res) => ((await res.json()) as Json).message.id))).size).toBe(1);
    await fd.pipeline.idle();
    const smsMessage = (await fd.store.repo.findMessageByProviderId('sms', sid))!;
    const inbound = async (id: string, text: string) => (await fd.store.repo.listMessages(id, { includeInternal: true, limit: 100 })).filter((m) => m.direction === 'inbound' && m.text === text);
    expect(await inbound(smsMessage.conversationId, 'is my order late?')).toHaveLength(1);
    expect(await inbound(conversationId, 'still there?')).toHaveLength(1);
  });

  it('starts no conversation for a visitor name with a NUL or a lone surrogate', async () => {
    const before = await counted.rowCounts();
    for (const name of [NUL, LONE_SURROGATE]) {
      const res = await fd.app.request('/v1/conversations', post({ name, text: 'hello' }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error).toMatchObject({ code: 'unstorable_text', details: [{ path: 'name' }] });
    }
    expect(await counted.rowCounts()).toEqual(before);
  });

  it('refuses a NUL deep in an accepted value, and answers with where it is', async () => {
    const before = await counted.rowCounts();
    // The schema takes any URL text; the refusal names the field before any URL check runs.
    const body = { url: `https://hooks.example.com/${NUL}`, events: ['message.created'] };
    const res = await fd.app.request('/v1/webhooks', post(body, { authorization: `Bearer ${admin}` }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error).toMatchObject({ code: 'unstorable_text', details: [{ path: 'url' }] });
    const article = await fd.app.request('/v1/kb/articles', post({ title: 'Returns', body: 'Within 30 days.', tags: ['returns', LONE_SURROGATE] }, { authorization: `Bearer ${admin}` }));
    expect(article.status).toBe(400);
    expect(((await article.json()) as Json).error).toMatchObject({ code: 'unstorable_text', details: [{ path: 'tags.1' }] });
    expect(await counted.rowCounts()).toEqual(before);
  });
}

describe('bad input: SQLite', () => suite(openCountedSqlite));
describeWithService('PostgreSQL', await postgresUnavailable())('bad input: PostgreSQL', () => suite(openCountedPostgres));
