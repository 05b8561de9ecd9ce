/**
 * Console sign-in tells nobody who is on the team: an unknown email and a wrong password get the
 * same answer after the same work (the same store reads, one scrypt each), and no staff list is read.
 */
import { expect, it } from 'vitest';
import { ensureFirstAdmin } from '../../src/core/first-admin.ts';
import type { Repository } from '../../src/core/ports.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

const ADMIN = { email: 'lead@northwind.example', password: 'a-long-first-password' };

/** Records the name of every repository method called from now on. */
function recordReads(repo: Repository): string[] {
  const calls: string[] = [];
  const methods = repo as unknown as Record<string, unknown>;
  for (const [name, method] of Object.entries(methods)) {
    if (typeof method !== 'function') continue;
    methods[name] = (...args: unknown[]) => {
      calls.push(name);
      return (method as (...a: unknown[]) => unknown)(...args);
    };
  }
  return calls;
}

it('answers an unknown email and a wrong password alike, with the same reads and no staff list', async () => {
  const fd = await createTestFrontdesk();
  try {
    await ensureFirstAdmin(fd.store, { now: () => Date.now() }, ADMIN);
    const calls = recordReads(fd.store.repo);
    const signIn = async (email: string, password: string) => {
      calls.length = 0;
      const response = await fd.app.request('/console/api/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-frontdesk-csrf': '1' },
        body: JSON.stringify({ email, password }),
      });
      return { status: response.status, body: await response.json(), reads: [...calls] };
    };

    const unknown = await signIn('nobody@northwind.example', ADMIN.password);
    const wrong = await signIn(ADMIN.email, 'not-the-password');

    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
    expect(wrong).toEqual(unknown);
    expect(unknown.reads).not.toContain('listUsers');
    // And the right password still signs in.
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
  } finally {
    await fd.stop();
  }
});
