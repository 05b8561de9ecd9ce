/**
 * `frontdesk user` and `frontdesk token` end to end through the CLI entry, on a SQLite file that
 * a running Frontdesk shares: what the CLI changes, the console sign-in and the staff API see.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { captureOutput } from '../support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-staff-cli-'));
const env = { SQLITE_PATH: join(dir, 'frontdesk.sqlite'), LOG_LEVEL: 'silent' };
let fd: Awaited<ReturnType<typeof createTestFrontdesk>>;

async function frontdesk(...args: string[]) {
  return captureOutput((io) => run(args, { ...io, env }));
}

async function ok(...args: string[]) {
  const result = await frontdesk(...args);
  expect(result.code, result.err).toBe(0);
  return result;
}

const signIn = (email: string, password: string) =>
  fd.app.request('/console/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
const staffApi = (token: string) => fd.app.request('/v1/conversations', { headers: { authorization: `Bearer ${token}` } });
/** The data rows of a tab-separated listing, as objects keyed by its header. */
function rows(out: string): Record<string, string>[] {
  const [header, ...lines] = out.trimEnd().split('\n').map((line) => line.split('\t'));
  return lines.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i]!])));
}

beforeAll(async () => {
  await ok('user', 'create', '--email', 'Ada@Northwind.example', '--name', 'Ada', '--password', 'first-password-1', '--role', 'admin');
  await ok('user', 'create', '--email', 'bo@northwind.example', '--name', 'Bo');
  fd = await createTestFrontdesk({ env });
});
afterAll(async () => fd.stop());

describe('frontdesk user', () => {
  it('lists users with role, password and live tokens, never a hash', async () => {
    await ok('token', 'create', '--name', 'laptop', '--user', 'bo@northwind.example');
    const { out } = await ok('user', 'list');
    expect(rows(out).map(({ id: _id, ...rest }) => rest)).toEqual([
      { email: 'ada@northwind.example', role: 'admin', name: 'Ada', password: 'yes', 'live tokens': '0', state: 'enabled' },
      { email: 'bo@northwind.example', role: 'agent', name: 'Bo', password: 'no', 'live tokens': '1', state: 'enabled' },
    ]);
    expect(out).not.toMatch(/scrypt|\$/);
  });

  it('resets a password: the old one stops working, a generated one is printed once', async () => {
    expect((await signIn('ada@northwind.example', 'first-password-1')).status).toBe(200);
    await ok('user', 'reset-password', '--email', 'ada@northwind.example', '--password', 'second-password-2');
    expect((await signIn('ada@northwind.example', 'first-password-1')).status).toBe(401);
    expect((await signIn('ada@northwind.example', 'second-password-2')).status).toBe(200);
    const generated = await ok('user', 'reset-password', '--email', 'ada@northwind.example');
    const password = generated.out.trim();
    expect(password.length).toBeGreaterThanOrEqual(30);
    expect(generated.err).toMatch(/shown only once/);
    expect((await signIn('ada@northwind.example', password)).status).toBe(200);
  });

  it('disables a user: sign-in and every token they had refused with 403 until enabled; reset-password does not enable', async () => {
    await ok('user', 'reset-password', '--email', 'bo@northwind.example', '--password', 'bo-password-123');
    const api = (await ok('token', 'create', '--name', 'script', '--user', 'bo@northwind.example')).out.trim();
    const login = await signIn('bo@northwind.example', 'bo-password-123');
    expect(login.status).toBe(200);
    expect((await staffApi(api)).status).toBe(200);
    const session = login.headers.get('set-cookie')!.split(';')[0]!;
    const viaSession = () => fd.app.request('/v1/conversations', { headers: { cookie: session } });
    expect((await viaSession()).status).toBe(200);

    const { out } = await ok('user', 'disable', '--email', 'bo@northwind.example');
    expect(out).toMatch(/Disabled bo@northwind.example/);
    const refused = async (response: Response) => {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('user_disabled');
    };
    await refused(await staffApi(api));
    await refused(await viaSession());
    await refused(await signIn('bo@northwind.example', 'bo-password-123'));
    // A wrong password still says only that: nobody learns the account is disabled without it.
    expect((await signIn('bo@northwind.example', 'wrong-password-1')).status).toBe(401);
    // A new password is not a way back in.
    await ok('user', 'reset-password', '--email', 'bo@northwind.example', '--password', 'bo-password-456');
    await refused(await signIn('bo@northwind.example', 'bo-password-456'));
    expect(rows((await ok('user', 'list')).out).find((r) => r.email === 'bo@northwind.example')?.state).toBe('disabled');

    expect((await ok('user', 'enable', '--email', 'bo@northwind.example')).out).toMatch(/Enabled bo@northwind.example/);
    expect((await staffApi(api)).status).toBe(200);
    expect((await signIn('bo@northwind.example', 'bo-password-456')).status).toBe(200);
  });

  it('makes the first user an admin unless told otherwise, and later ones agents', async () => {
    const fresh = { SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'fd-first-admin-')), 'frontdesk.sqlite'), LOG_LEVEL: 'silent' };
    const create = (...args: string[]) => captureOutput((io) => run(['user', 'create', ...args], { ...io, env: fresh }));
    const roles = async () => rows((await captureOutput((io) => run(['user', 'list'], { ...io, env: fresh }))).out).map((r) => `${r.email} ${r.role}`);
    expect((await create('--email', 'cy@northwind.example', '--role', 'agent')).out).toMatch(/^Created agent cy@northwind\.example \(\w+\) without a password \(API and Slack only\)\.\n$/);
    const first = await create('--email', 'dee@northwind.example', '--password', 'first-password-1');
    expect(first.out).toMatch(/^Created admin dee@northwind\.example \(\w+\); an admin, since there was none \(--role agent for an agent\)\.\n$/);
    expect((await create('--email', 'eli@northwind.example')).out).toMatch(/^Created agent eli@northwind\.example/);
    expect(await roles()).toEqual(['cy@northwind.example agent', 'dee@northwind.example admin', 'eli@northwind.example agent']);
  });

  it('answers bad usage with one clear line and exit code 2, changing nothing', async () => {
    const before = (await ok('user', 'list')).out;
    for (const [args, message] of [
      [['user'], /usage: frontdesk user create .* \| user list \| user disable --email E \| user enable --email E \| user reset-password/],
      [['user', 'remove'], /unknown subcommand "remove"; it takes create, list, disable, enable, reset-password \(usage: frontdesk user --help\)/],
      [['user', 'list', '--all'], /Unknown option '--all'.*usage: frontdesk user list/],
      [['user', 'disable'], /--email is required/],
      [['user', 'disable', '--email', 'nobody@northwind.example'], /no user with email nobody@northwind.example/],
      [['user', 'reset-password', '--email', 'ada@northwind.example', '--password', 'short'], /at least 10 characters/],
    ] as const) {
      const result = await frontdesk(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err.trim().split('\n')).toHaveLength(1);
    }
    expect((await ok('user', 'list')).out).toBe(before);
  });
});

describe('frontdesk token', () => {
  it('lists tokens newest first with owner and state, never the secret', async () => {
    const secret = (await ok('token', 'create', '--name', 'ci', '--days', '1')).out.trim();
    const { out } = await ok('token', 'list');
    const listed = rows(out);
    expect(listed[0]).toMatchObject({ name: 'ci', user: '(operator)', state: 'active', prefix: `${secret.slice(0, 8)}…` });
    expect(listed[0]!.expires).not.toBe('-');
    expect(out).not.toContain(secret);
    // Disabling and enabling bo above kept their tokens: the flag refuses them, it does not end them.
    expect(listed.filter((t) => t.user === 'bo@northwind.example').map((t) => t.state)).toEqual(['active', 'active', 'active', 'active']);
    const bo = rows((await ok('token', 'list', '--user', 'bo@northwind.example')).out);
    expect(bo.map((t) => t.name).sort()).toEqual(['console session: bo@northwind.example', 'console session: bo@northwind.example', 'laptop', 'script']);
  });

  it('revokes one token by id: refused from then on, the others still work', async () => {
    const keep = (await ok('token', 'create', '--name', 'keep')).out.trim();
    const drop = (await ok('token', 'create', '--name', 'drop')).out.trim();
    const id = rows((await ok('token', 'list')).out).find((t) => t.name === 'drop')!.id!;
    expect((await ok('token', 'revoke', id)).out).toMatch(`Revoked token ${id}`);
    expect((await staffApi(drop)).status).toBe(401);
    expect((await staffApi(keep)).status).toBe(200);
    expect(rows((await ok('token', 'list')).out).find((t) => t.id === id)!.state).toBe('revoked');
    const again = await frontdesk('token', 'revoke', id);
    expect(again).toMatchObject({ code: 2, err: expect.stringMatching(/already revoked/) });
  });

  it('answers bad usage with one clear line and exit code 2', async () => {
    for (const [args, message] of [
      [['token'], /usage: frontdesk token create .* \| token list \[--user EMAIL\] \| token revoke ID/],
      [['token', 'revoke'], /usage: frontdesk token revoke ID/],
      [['token', 'revoke', 'a', 'b'], /usage: frontdesk token revoke ID/],
      [['token', 'revoke', 'no-such-id'], /no token with id no-such-id/],
      [['token', 'list', '--user', 'nobody@northwind.example'], /no user with email nobody@northwind.example/],
      [['token', 'create', '--days', '0'], /--days must be a positive number/],
    ] as const) {
      const result = await frontdesk(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
