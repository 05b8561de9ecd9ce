/**
 * Widget identity verification over real HTTP: the host site signs its user ids with
 * WIDGET_IDENTITY_SECRET (HMAC-SHA256, hex), and a signed-in customer's history follows them
 * from one device to another; unsigned visitors stay anonymous and confined to their own chat.
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../../src/entry/node.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
type Conv = { id: string; status: string };
type Started = { conversation: Conv; visitorToken: string };
type Resume = { conversations: Started[]; resume: Started | null };

const SECRET = 'identity-secret-for-tests-0123456789';
/** Exactly what the README tells host sites to compute. */
const sign = (userId: string, secret = SECRET) => createHmac('sha256', secret).update(userId).digest('hex');
const signEmail = (userId: string, email: string, secret = SECRET) => createHmac('sha256', secret).update(`email\n${userId}\n${email}`).digest('hex');

const engine = scriptedEngine(({ message }) => ({ agent: 'faq', route: 'faq', confidence: 0.9, text: `You said: ${message.text}` }));

async function serve(env: Record<string, string>) {
  const fd = await createTestFrontdesk({ engine, env });
  const server = (await listen(fd.app, 0, '127.0.0.1')) as Server;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fd.stop();
  };
  return { fd, base, stop };
}

let signed: Awaited<ReturnType<typeof serve>>;
let unsigned: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  [signed, unsigned] = await Promise.all([serve({ WIDGET_IDENTITY_SECRET: SECRET }), serve({})]);
});
afterAll(async () => {
  await Promise.all([signed?.stop(), unsigned?.stop()]);
});

function post(base: string, path: string, body: unknown, token?: string) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function ok<T>(res: Response, status: number): Promise<T> {
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body as T;
}

async function expectError(res: Response, status: number, code: string) {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
}

async function history(base: string, id: string, token: string) {
  const res = await fetch(`${base}/v1/conversations/${id}/messages`, { headers: { authorization: `Bearer ${token}` } });
  return { res, body: res.ok ? ((await res.json()) as { messages: { text: string; direction: string }[] }) : null };
}

async function counts(fd: Frontdesk) {
  const conversations = await fd.store.repo.listConversations({ limit: 1000 });
  return conversations.length;
}

describe('signed-in widget visitors', () => {
  it('follows one customer from device A to device B: same contact, same history, same token', async () => {
    const { base, fd } = signed;
    const userId = 'cust-4711';
    // Device A: starts with the signature and asks a question.
    const a = await ok<Started>(await post(base, '/v1/conversations', { userId, userHash: sign(userId), name: 'Ada' }), 201);
    await ok(await post(base, `/v1/conversations/${a.conversation.id}/messages?wait=1`, { text: 'Where is my parcel?' }, a.visitorToken), 200);

    const stored = (await fd.store.repo.getConversation(a.conversation.id))!;
    const identities = await fd.store.repo.listIdentities(stored.contactId);
    expect(identities).toEqual([expect.objectContaining({ channel: 'web', address: `user:${userId}`, verified: true })]);

    // Device B: nothing in its storage, only the same signed user id.
    const b = await ok<Resume>(await post(base, '/v1/identity/conversations', { userId, userHash: sign(userId) }), 200);
    expect(b.resume?.conversation.id).toBe(a.conversation.id);
    expect(b.resume?.visitorToken).toBe(a.visitorToken);
    const seen = await history(base, a.conversation.id, b.resume!.visitorToken);
    expect(seen.body!.messages.map((m) => m.text)).toEqual(['Where is my parcel?', 'You said: Where is my parcel?']);

    // Device B writes; device A sees it with its own (identical) token.
    await ok(await post(base, `/v1/conversations/${a.conversation.id}/messages`, { text: 'Sent from my phone' }, b.resume!.visitorToken), 202);
    expect((await history(base, a.conversation.id, a.visitorToken)).body!.messages.map((m) => m.text)).toContain('Sent from my phone');

    // A new conversation from device B lands on the same contact, and both are listed, newest first.
    const second = await ok<Started>(await post(base, '/v1/conversations', { userId, userHash: sign(userId).toUpperCase() }), 201);
    expect((await fd.store.repo.getConversation(second.conversation.id))!.contactId).toBe(stored.contactId);
    const listed = await ok<Resume>(await post(base, '/v1/identity/conversations', { userId, userHash: sign(userId) }), 200);
    expect(listed.conversations.map((c) => c.conversation.id)).toEqual([second.conversation.id, a.conversation.id]);
    expect(listed.resume?.conversation.id).toBe(second.conversation.id);
  });

  it('lists nothing for a signed user who never chatted, and stores nothing for asking', async () => {
    const before = await counts(signed.fd);
    const res = await ok<Resume>(await post(signed.base, '/v1/identity/conversations', { userId: 'new-user', userHash: sign('new-user') }), 200);
    expect(res).toEqual({ conversations: [], resume: null });
    expect(await counts(signed.fd)).toBe(before);
    expect(await signed.fd.store.repo.findIdentity('web', 'user:new-user')).toBeNull();
  });

  it('refuses a wrong signature with 403 and stores nothing', async () => {
    const { base, fd } = signed;
    const before = await counts(fd);
    const cases = [
      { userId: 'mallory', userHash: sign('mallory', 'some-other-secret-0123456789') },
      { userId: 'mallory', userHash: sign('cust-4711') },
      { userId: 'mallory', userHash: 'not-hex' },
      { userId: 'mallory', userHash: '' },
    ];
    for (const body of cases) {
      await expectError(await post(base, '/v1/conversations', { ...body, text: 'let me in' }), 403, 'invalid_user_hash');
      await expectError(await post(base, '/v1/identity/conversations', body), 403, 'invalid_user_hash');
    }
    // Someone else's user id with a victim's valid hash reads nothing either.
    await expectError(await post(base, '/v1/identity/conversations', { userId: 'cust-4711 ', userHash: sign('cust-4711x') }), 403, 'invalid_user_hash');
    expect(await counts(fd)).toBe(before);
    expect(await fd.store.repo.findIdentity('web', 'user:mallory')).toBeNull();
  });

  it('asks for userId and userHash together', async () => {
    await expectError(await post(signed.base, '/v1/conversations', { userId: 'cust-4711' }), 400, 'incomplete_user_identity');
    await expectError(await post(signed.base, '/v1/conversations', { userHash: sign('cust-4711') }), 400, 'incomplete_user_identity');
  });

  it('answers 400 when the deployment has no identity secret, and stores nothing', async () => {
    const { base, fd } = unsigned;
    const before = await counts(fd);
    await expectError(await post(base, '/v1/conversations', { userId: 'cust-4711', userHash: sign('cust-4711') }), 400, 'identity_verification_disabled');
    await expectError(await post(base, '/v1/identity/conversations', { userId: 'cust-4711', userHash: sign('cust-4711') }), 400, 'identity_verification_disabled');
    expect(await counts(fd)).toBe(before);
    // Anonymous chat keeps working there.
    await ok<Started>(await post(base, '/v1/conversations', { text: 'hello' }), 201);
  });
});

describe('anonymous visitors next to signed ones', () => {
  it('stay anonymous, and cannot read or list a signed user’s conversations', async () => {
    const { base, fd } = signed;
    const userId = 'cust-9001';
    const owner = await ok<Started>(
      await post(base, '/v1/conversations', { userId, userHash: sign(userId), email: 'grace@example.com', text: 'my secret order' }),
      201,
    );
    // An unsigned visitor claiming the same email: a contact of its own (a typed email proves nothing), anonymous.
    const anon = await ok<Started>(await post(base, '/v1/conversations', { email: 'grace@example.com', text: 'who am I?' }), 201);
    const anonContactId = (await fd.store.repo.getConversation(anon.conversation.id))!.contactId;
    expect(anonContactId).not.toBe((await fd.store.repo.getConversation(owner.conversation.id))!.contactId);
    const anonIdentities = await fd.store.repo.listIdentities(anonContactId);
    const anonWeb = anonIdentities.find((i) => i.address.startsWith('visitor:'))!;
    expect(anonWeb.verified).toBe(false);

    // Its token opens only its own conversation.
    expect((await history(base, owner.conversation.id, anon.visitorToken)).res.status).toBe(403);
    expect((await post(base, `/v1/conversations/${owner.conversation.id}/messages`, { text: 'hi' }, anon.visitorToken)).status).toBe(403);
    expect((await history(base, owner.conversation.id, '')).res.status).toBe(401);

    // The signed user's list holds only what was started under the signature, not the anonymous chat.
    const listed = await ok<Resume>(await post(base, '/v1/identity/conversations', { userId, userHash: sign(userId) }), 200);
    expect(listed.conversations.map((c) => c.conversation.id)).toEqual([owner.conversation.id]);
  });
});

describe('signed emails', () => {
  const lastAsker = () => engine.calls.at(-1)!.asker;
  const contactOf = async (fd: Frontdesk, conversationId: string) => (await fd.store.repo.getConversation(conversationId))!.contactId;

  it('proves an email the host site signed, and joins the contact that already writes from it', async () => {
    const { base, fd } = signed;
    const email = 'linus@example.com';
    const mail = await fd.pipeline.receive({ channel: 'email', from: { address: email, email }, text: 'hello by mail', providerMessageId: '<signed-1@test>', receivedAt: Date.now(), attachments: [] });
    await mail.reply;
    const userId = 'cust-linus';
    const started = await ok<Started>(
      await post(base, '/v1/conversations', { userId, userHash: sign(userId), email: 'Linus@Example.com', emailHash: signEmail(userId, email), text: 'where is my order?' }),
      201,
    );
    await fd.pipeline.idle();
    expect(lastAsker()).toEqual({ emails: [email], phones: [] });
    expect(await contactOf(fd, started.conversation.id)).toBe(mail.conversation.contactId);
  });

  it('keeps a signed email as a verified email identity of a new contact', async () => {
    const { base, fd } = signed;
    const userId = 'cust-new-signed';
    const email = 'new-signed@example.com';
    const started = await ok<Started>(await post(base, '/v1/conversations', { userId, userHash: sign(userId), email, emailHash: signEmail(userId, email), text: 'hi' }), 201);
    await fd.pipeline.idle();
    const identities = await fd.store.repo.listIdentities(await contactOf(fd, started.conversation.id));
    expect(identities.map((i) => [i.channel, i.address, i.verified]).sort()).toEqual([['email', email, true], ['web', `user:${userId}`, true]]);
    expect(lastAsker()).toEqual({ emails: [email], phones: [] });
  });

  it('proves nothing for an email sent next to a signed user id without its own signature', async () => {
    const { base, fd } = signed;
    const email = 'victim@example.com';
    const mail = await fd.pipeline.receive({ channel: 'email', from: { address: email, email }, text: 'hello', providerMessageId: '<signed-2@test>', receivedAt: Date.now(), attachments: [] });
    await mail.reply;
    const userId = 'cust-mallory';
    const started = await ok<Started>(await post(base, '/v1/conversations', { userId, userHash: sign(userId), email, text: 'show me my orders' }), 201);
    await fd.pipeline.idle();
    expect(await contactOf(fd, started.conversation.id)).not.toBe(mail.conversation.contactId);
    expect(lastAsker()).toEqual({ emails: [], phones: [] });
  });

  it('refuses a wrong or incomplete email signature and stores nothing', async () => {
    const { base, fd } = signed;
    const before = await counts(fd);
    const userId = 'cust-wrong-email';
    const email = 'someone@example.com';
    const base_ = { userId, userHash: sign(userId), email };
    await expectError(await post(base, '/v1/conversations', { ...base_, emailHash: signEmail(userId, 'other@example.com') }), 403, 'invalid_email_hash');
    await expectError(await post(base, '/v1/conversations', { ...base_, emailHash: signEmail('cust-other', email) }), 403, 'invalid_email_hash');
    await expectError(await post(base, '/v1/conversations', { ...base_, emailHash: sign(userId) }), 403, 'invalid_email_hash');
    await expectError(await post(base, '/v1/conversations', { userId, userHash: sign(userId), emailHash: signEmail(userId, email) }), 400, 'incomplete_email_signature');
    await expectError(await post(base, '/v1/conversations', { email, emailHash: signEmail(userId, email) }), 400, 'incomplete_email_signature');
    expect(await counts(fd)).toBe(before);
    expect(await fd.store.repo.findIdentity('web', `user:${userId}`)).toBeNull();
    expect(await fd.store.repo.findIdentity('email', email)).toBeNull();
  });
});
