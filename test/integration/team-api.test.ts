/**
 * The team API on both stores: an admin invites a user (who signs in with the password shown
 * once), changes roles (never leaving the team without an admin), signs a user out everywhere,
 * lists tokens without their secrets and revokes one. Agents are refused all of it (403
 * forbidden_role) and change nothing; bad input is a 4xx JSON error with nothing stored.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/core/ids.ts';
import { createApiToken } from '../../src/core/staff-auth.ts';
import type { User } from '../../src/core/types.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

onBothStores('team API', (open) => {
  let fd: Frontdesk;
  let close: () => Promise<void>;
  let admin: User;
  let agent: User;
  const tokens = { admin: '', agent: '' };

  const call = async (method: string, path: string, body?: unknown, token = tokens.admin) => {
    const res = await fd.app.request(`/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };

  beforeAll(async () => {
    const opened = await open();
    await opened.store.migrate();
    close = opened.close;
    fd = await createTestFrontdesk({ store: { ...opened.store, close: async () => undefined } });
    const user = (name: string, role: User['role']) =>
      fd.store.repo.createUser({ id: newId(), email: `${name.toLowerCase()}@northwind.example`, name, role, passwordHash: null, slackUserId: null, createdAt: Date.now() });
    admin = await user('Dana', 'admin');
    agent = await user('Sam', 'agent');
    tokens.admin = (await createApiToken(fd.store, fd.clock, { name: 'dana laptop', userId: admin.id })).token;
    tokens.agent = (await createApiToken(fd.store, fd.clock, { name: 'sam laptop', userId: agent.id })).token;
  });
  afterAll(async () => {
    await fd?.stop();
    await close?.();
  });

  it('invites a user who then signs in to the console with the password shown once', async () => {
    const invited = await call('POST', '/users', { email: ' Lee@Northwind.example ', name: 'Lee Chen', role: 'agent' });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'lee@northwind.example', name: 'Lee Chen', role: 'agent' });
    const login = await fd.app.request('/console/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' },
      body: JSON.stringify({ email: 'lee@northwind.example', password: invited.body.password }),
    });
    expect(login.status).toBe(200);
    expect((await call('POST', '/users', { email: 'lee@northwind.example', name: 'Again' })).body.error.code).toBe('user_exists');
    const bad = await call('POST', '/users', { email: 'not-an-email', name: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid_input');
    expect((await fd.store.repo.listUsers()).map((u) => u.email).sort()).toEqual(['dana@northwind.example', 'lee@northwind.example', 'sam@northwind.example']);
  });

  it('changes a role, but never demotes the last admin', async () => {
    expect((await call('PATCH', `/users/${admin.id}`, { role: 'agent' })).body.error.code).toBe('last_admin');
    expect((await call('PATCH', `/users/${agent.id}`, { role: 'admin' })).body.user.role).toBe('admin');
    expect((await call('PATCH', `/users/${agent.id}`, { role: 'agent' })).body.user.role).toBe('agent');
    expect((await call('PATCH', '/users/nobody', { role: 'admin' })).status).toBe(404);
    expect((await call('PATCH', `/users/${agent.id}`, { role: 'owner' })).status).toBe(400);
  });

  it('disables a user (sign-in and tokens refused, 403 user_disabled) and enables them again, but never the last admin', async () => {
    const disabled = await call('PATCH', `/users/${agent.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabledAt).toEqual(expect.any(Number));
    const refused = await call('GET', '/tickets', undefined, tokens.agent);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'user_disabled']);
    // Nobody can be given work while disabled: they would never see it.
    const started = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }) });
    const { conversation } = (await started.json()) as { conversation: { id: string } };
    const assigned = await call('POST', `/conversations/${conversation.id}/assign`, { userId: agent.id });
    expect([assigned.status, assigned.body.error?.code]).toEqual([409, 'user_disabled']);
    expect((await fd.store.repo.getConversation(conversation.id))!.assigneeId).toBeNull();
    expect((await call('PATCH', `/users/${agent.id}`, { disabled: false })).body.user.disabledAt).toBeNull();
    expect((await call('POST', `/conversations/${conversation.id}/assign`, { userId: agent.id })).body.conversation.assigneeId).toBe(agent.id);
    expect((await call('GET', '/tickets', undefined, tokens.agent)).status).toBe(200);
    expect((await call('PATCH', `/users/${admin.id}`, { disabled: true })).body.error.code).toBe('last_admin');
    expect((await fd.store.repo.getUser(admin.id))!.disabledAt).toBeNull();
    expect((await call('PATCH', `/users/${agent.id}`, { disabled: 'yes' })).status).toBe(400);
  });

  it('lists tokens without secrets, revokes one (then 401), and says when it was already revoked', async () => {
    const { body } = await call('GET', '/tokens');
    expect(JSON.stringify(body)).not.toMatch(/tokenHash|fd_[A-Za-z0-9_-]{20}/);
    const samToken = body.tokens.find((t: Json) => t.name === 'sam laptop');
    expect(samToken).toMatchObject({ userId: agent.id, prefix: tokens.agent.slice(0, 8), revokedAt: null });
    expect((await call('DELETE', `/tokens/${samToken.id}`)).body).toEqual({ revoked: true });
    expect((await call('GET', '/tickets', undefined, tokens.agent)).status).toBe(401);
    expect((await call('DELETE', `/tokens/${samToken.id}`)).body.error.code).toBe('already_revoked');
    expect((await call('DELETE', '/tokens/nope')).status).toBe(404);
  });

  it('signs a user out everywhere', async () => {
    const second = (await createApiToken(fd.store, fd.clock, { name: 'sam phone', userId: agent.id })).token;
    expect((await call('POST', `/users/${agent.id}/sign-out`)).body).toEqual({ revoked: 1 });
    expect((await call('GET', '/tickets', undefined, second)).status).toBe(401);
  });

  it('refuses an agent every team change with 403 forbidden_role, and changes nothing', async () => {
    const token = (await createApiToken(fd.store, fd.clock, { name: 'sam again', userId: agent.id })).token;
    const before = { users: await fd.store.repo.listUsers(), tokens: (await fd.store.repo.listApiTokens()).map((t) => [t.id, t.revokedAt]) };
    for (const [method, path, body] of [
      ['GET', '/tokens'],
      ['POST', '/users', { email: 'x@northwind.example', name: 'X', role: 'admin' }],
      ['PATCH', `/users/${agent.id}`, { role: 'admin' }],
      ['PATCH', `/users/${admin.id}`, { disabled: true }],
      ['POST', `/users/${admin.id}/sign-out`],
      ['DELETE', `/tokens/${(await fd.store.repo.listApiTokens()).find((t) => t.userId === admin.id)!.id}`],
    ] as [string, string, unknown?][]) {
      const res = await call(method, path, body, token);
      expect([method, path, res.status, res.body.error?.code]).toEqual([method, path, 403, 'forbidden_role']);
    }
    expect({ users: await fd.store.repo.listUsers(), tokens: (await fd.store.repo.listApiTokens()).map((t) => [t.id, t.revokedAt]) }).toEqual(before);
    // The directory stays open to agents: they pick assignees from it.
    expect((await call('GET', '/users', undefined, token)).status).toBe(200);
  });
});
