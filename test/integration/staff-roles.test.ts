/**
 * Roles on the staff API: the test walks EVERY route the staff app registers (enumerated from the
 * Hono app, so a new route is walked without anyone remembering to add it) with an agent's token.
 * Admin-only routes answer 403 forbidden_role and change nothing; every other route lets the
 * agent through (whatever else it answers). Admins and operator tokens (no user) pass everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { User } from '../../src/core/types.ts';
import { createStaffRoutes, type StaffRouteDeps } from '../../src/http/staff-routes.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
let fd: Frontdesk;
const tokens: Record<'agent' | 'admin' | 'operator', string> = { agent: '', admin: '', operator: '' };
let ids: { conversation: string; contact: string; ticket: string; slug: string; message: string; label: string; reply: string; note: string; webhook: string; admin: string; adminToken: string };

/** What this test expects to be admin-only, written out here rather than read from src/http/roles.ts. */
const ADMIN_ONLY = new Set([
  'POST /kb/articles',
  'PUT /kb/articles/:slug',
  'DELETE /kb/articles/:slug',
  'POST /labels',
  'PATCH /labels/:labelId',
  'DELETE /labels/:labelId',
  'GET /exports/:kind',
  'GET /webhooks',
  'POST /webhooks',
  'GET /webhooks/:id',
  'PATCH /webhooks/:id',
  'DELETE /webhooks/:id',
  'POST /webhooks/:id/test',
  'POST /users',
  'PATCH /users/:userId',
  'POST /users/:userId/sign-out',
  'GET /tokens',
  'DELETE /tokens/:tokenId',
]);

/** Every staff route as METHOD /path (relative to /v1); registering only, the deps are not called. */
function staffRoutes(): string[] {
  const app = createStaffRoutes({ routes: [] } as unknown as StaffRouteDeps);
  const keys = app.routes.filter((r) => r.method !== 'ALL' && !r.path.includes('*')).map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

/** A body that would succeed on the admin-only routes, so a missing check would show as a change. */
const bodies: Record<string, unknown> = {
  'POST /kb/articles': { title: 'Agents may not write this', body: 'Created by an agent.', slug: 'agent-wrote-this' },
  'PUT /kb/articles/:slug': { title: 'Rewritten by an agent', body: 'Replaced by an agent.' },
  'POST /labels': { name: 'agent-made' },
  'PATCH /labels/:labelId': { name: 'agent-renamed' },
  'POST /webhooks': { url: 'https://hooks.example.com/agent', events: ['message.created'] },
  'PATCH /webhooks/:id': { active: false },
  'POST /users': { email: 'new.admin@northwind.example', name: 'Made by an agent', role: 'admin' },
  'PATCH /users/:userId': { role: 'agent' },
};

async function call(key: string, token: string) {
  const [method, path] = key.split(' ') as [string, string];
  const url =
    '/v1' +
    path
      .replace('/conversations/:id', `/conversations/${ids.conversation}`)
      .replace('/contacts/:id', `/contacts/${ids.contact}`)
      .replace('/tickets/:id', `/tickets/${ids.ticket}`)
      .replace('/messages/:id', `/messages/${ids.message}`)
      .replace('/webhooks/:id', `/webhooks/${ids.webhook}`)
      .replace(':slug', ids.slug)
      .replace(':labelId', ids.label)
      .replace(':replyId', ids.reply)
      .replace(':noteId', ids.note)
      .replace(':userId', ids.admin)
      .replace(':tokenId', ids.adminToken)
      .replace(':attachmentId', 'no-such-attachment')
      // A valid export request, so an agent let through would get the data, not a 400.
      .replace('/exports/:kind', '/exports/messages?from=2000-01-01&to=2100-01-01');
  expect(url, `${key} has a path parameter this test does not fill`).not.toContain(':');
  const body = bodies[key] ?? (method === 'GET' ? undefined : {});
  const res = await fd.app.request(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = res.headers.get('content-type')?.includes('text/event-stream') ? (await res.body?.cancel(), '') : await res.text();
  return { status: res.status, text };
}

/** Everything an agent could have changed through an admin-only route. */
async function knowledgeSnapshot() {
  const articles = await fd.store.repo.listArticles();
  return {
    articles: articles.map((a) => ({ slug: a.slug, title: a.title, body: a.body, updatedAt: a.updatedAt })).sort((a, b) => a.slug.localeCompare(b.slug)),
    labels: await fd.store.repo.listLabels(),
    webhooks: await fd.store.repo.listWebhookSubscriptions(),
    users: await fd.store.repo.listUsers(),
    tokens: (await fd.store.repo.listApiTokens()).map((t) => ({ id: t.id, revokedAt: t.revokedAt })),
  };
}

async function userToken(role: User['role']) {
  const user = await fd.store.repo.createUser({ id: newId(), email: `${role}@northwind.example`, name: role, role, passwordHash: null, slackUserId: null, createdAt: Date.now() });
  const { token, record } = await createApiToken(fd.store, fd.clock, { name: role, userId: user.id });
  return { token, userId: user.id, tokenId: record.id };
}

beforeAll(async () => {
  fd = await createTestFrontdesk();
  tokens.agent = (await userToken('agent')).token;
  const admin = await userToken('admin');
  tokens.admin = admin.token;
  tokens.operator = (await createApiToken(fd.store, fd.clock, { name: 'operator' })).token;
  const start = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { conversation, visitorToken } = (await start.json()) as { conversation: { id: string; contactId: string }; visitorToken: string };
  await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
    body: JSON.stringify({ text: 'I want to speak to a real person, not a bot. Get me a human agent now.' }),
  });
  const [ticket] = await fd.store.repo.listTickets({ conversationId: conversation.id });
  const [article] = await fd.store.repo.listArticles();
  const [message] = await fd.store.repo.recentMessages(conversation.id, 1);
  const now = Date.now();
  const label = (await fd.store.repo.createLabel({ id: newId(), name: 'vip', color: '#cf222e', createdAt: now }))!;
  const reply = (await fd.store.repo.createCannedReply({ id: newId(), shortcut: 'hello', title: 'Hello', body: 'Hello!', createdBy: null, createdAt: now, updatedAt: now }))!;
  const { contactId } = (await fd.store.repo.getConversation(conversation.id))!;
  const note = await fd.store.repo.createContactNote({ id: newId(), contactId, authorId: null, text: 'A note', createdAt: now });
  // An active subscription an agent could otherwise switch off or delete (never called: nothing listens there).
  const webhook = await fd.store.repo.createWebhookSubscription({
    id: newId(), url: 'https://hooks.example.com/admin', secret: 'whsec_staff-roles-secret', events: ['csat.created'], active: true, disabledReason: null, createdAt: Date.now(), updatedAt: Date.now(),
  });
  ids = { conversation: conversation.id, contact: contactId, ticket: ticket!.id, slug: article!.slug, message: message!.id, label: label.id, reply: reply.id, note: note.id, webhook: webhook.id, admin: admin.userId, adminToken: admin.tokenId };
});
afterAll(async () => fd.stop());

describe('roles on the staff API', () => {
  it('enumerates the staff routes, the admin-only ones among them', () => {
    const routes = staffRoutes();
    expect(routes.length).toBeGreaterThan(15);
    for (const key of ADMIN_ONLY) expect(routes).toContain(key);
  });

  it('refuses an agent every admin-only route with 403 forbidden_role and changes nothing', async () => {
    const before = await knowledgeSnapshot();
    for (const key of staffRoutes().filter((k) => ADMIN_ONLY.has(k))) {
      const { status, text } = await call(key, tokens.agent);
      expect(status, key).toBe(403);
      expect(JSON.parse(text), key).toEqual({ error: { code: 'forbidden_role', message: expect.stringMatching(/only an admin/i) } });
    }
    expect(await knowledgeSnapshot()).toEqual(before);
  });

  it('lets an agent through every other staff route', async () => {
    const open = staffRoutes().filter((k) => !ADMIN_ONLY.has(k));
    for (const key of open) {
      const { status, text } = await call(key, tokens.agent);
      expect(status, `${key}: ${text.slice(0, 200)}`).not.toBe(403);
      expect(status, `${key}: ${text.slice(0, 200)}`).not.toBe(401);
    }
  });

  it('lets an admin user and an operator token (no user) change the knowledge base', async () => {
    for (const [who, token] of [['admin', tokens.admin], ['operator', tokens.operator]] as const) {
      const slug = `${who}-article`;
      const create = await fd.app.request('/v1/kb/articles', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `By the ${who}`, body: 'Text.', slug }),
      });
      expect(create.status, who).toBe(201);
      const remove = await fd.app.request(`/v1/kb/articles/${slug}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
      expect(remove.status, who).toBeLessThan(300);
    }
  });

  it('answers 401, not 403, without a token on an admin-only route', async () => {
    const res = await fd.app.request('/v1/kb/articles', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});
