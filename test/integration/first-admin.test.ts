/**
 * The first admin from FRONTDESK_ADMIN_EMAIL / FRONTDESK_ADMIN_PASSWORD, on both stores: created
 * at start-up while there is no staff user, able to sign in to the console; never created again
 * or overwritten once someone exists; half the pair refused at start-up.
 */
import { expect, it } from 'vitest';
import { loadConfig } from '../../config/env.ts';
import { ensureFirstAdmin } from '../../src/core/first-admin.ts';
import { onBothStores } from '../support/both-stores.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

const FIRST = { email: 'lead@northwind.example', password: 'a-long-first-password' };
const clock = { now: () => Date.now() };

onBothStores('the first admin from the environment', (open) => {
  it('is created while there is no staff user, signs in, and is never created or overwritten again', async () => {
    const opened = await open();
    await opened.store.migrate();
    try {
      const fd = await createTestFrontdesk({
        store: { ...opened.store, close: async () => undefined },
        env: { FRONTDESK_ADMIN_EMAIL: ' Lead@Northwind.example ', FRONTDESK_ADMIN_PASSWORD: FIRST.password },
      });
      const login = await fd.app.request('/console/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' },
        body: JSON.stringify(FIRST),
      });
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ user: { email: FIRST.email, role: 'admin' } });
      await fd.stop();
      // A later start with another password (or two replicas at once) changes nothing.
      const again = await Promise.all([1, 2].map(() => ensureFirstAdmin(opened.store, clock, { email: 'other@northwind.example', password: 'another-long-password' })));
      expect(again).toEqual([null, null]);
      const users = await opened.store.repo.listUsers();
      expect(users.map((u) => [u.email, u.role])).toEqual([[FIRST.email, 'admin']]);
    } finally {
      await opened.close();
    }
  });

  it('creates one admin when two replicas start on an empty store at once', async () => {
    const opened = await open();
    await opened.store.migrate();
    try {
      const created = await Promise.all([1, 2].map(() => ensureFirstAdmin(opened.store, clock, FIRST)));
      expect(created.filter(Boolean)).toHaveLength(1);
      expect(await opened.store.repo.listUsers()).toHaveLength(1);
    } finally {
      await opened.close();
    }
  });
});

it('refuses half of the pair at start-up, naming the missing variable', () => {
  expect(() => loadConfig({ FRONTDESK_ADMIN_EMAIL: FIRST.email })).toThrow(/FRONTDESK_ADMIN_PASSWORD: .*go together/);
  expect(() => loadConfig({ FRONTDESK_ADMIN_EMAIL: FIRST.email, FRONTDESK_ADMIN_PASSWORD: 'short' })).toThrow(/at least 12 characters/);
});

it('tells whoever signs in to a console without any staff user how to create the first one', async () => {
  const fd = await createTestFrontdesk();
  const signIn = () =>
    fd.app.request('/console/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' },
      body: JSON.stringify(FIRST),
    });
  try {
    const empty = await signIn();
    expect(empty.status).toBe(401);
    expect(await empty.json()).toEqual({
      error: {
        code: 'no_staff_users',
        message: 'No staff user exists yet. Create the first (an admin) on the server: frontdesk user create --email E --name N --password P; or set FRONTDESK_ADMIN_EMAIL and FRONTDESK_ADMIN_PASSWORD and restart.',
      },
    });
    // Once someone exists, a wrong email is only a wrong email or password.
    await ensureFirstAdmin(fd.store, clock, { email: 'someone@northwind.example', password: 'a-long-first-password' });
    expect(await (await signIn()).json()).toMatchObject({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
  } finally {
    await fd.stop();
  }
});
