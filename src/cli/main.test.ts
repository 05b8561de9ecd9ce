import { describe, expect, it } from 'vitest';
import { captureOutput } from '../../test/support/capture.ts';
import { closest } from './closest.ts';
import { run } from './main.ts';

// No database, deployment or port is set up: every case here must answer before a command runs.
const frontdesk = (...args: string[]) => captureOutput((io) => run(args, { ...io, env: { SQLITE_PATH: '/nonexistent/dir/frontdesk.db', PORT: '1' } }));
const COMMANDS = ['serve', 'migrate', 'token', 'user', 'kb', 'export', 'init', 'demo', 'doctor', 'eval', 'outbox', 'webhooks', 'train'];

describe('frontdesk --help', () => {
  it('lists every command and how to see its options', async () => {
    const { code, out } = await frontdesk('--help');
    expect(code).toBe(0);
    for (const name of COMMANDS) expect(out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(out).toMatch(/frontdesk <command> --help/);
  });

  it.each(COMMANDS)('%s --help shows its forms and runs nothing', async (name) => {
    for (const args of [[name, '--help'], [name, '-h'], ['help', name]]) {
      const { code, out, err } = await frontdesk(...args);
      expect({ code, err }, args.join(' ')).toEqual({ code: 0, err: '' });
      expect(out).toMatch(new RegExp(`^frontdesk ${name}\\b`));
    }
  });

  it('shows the help of a subcommand given before --help', async () => {
    const { code, out } = await frontdesk('kb', 'import', '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^frontdesk kb import <dir\|file>…/m);
  });
});

describe('mistakes on the command line', () => {
  it.each([
    [['tokn', 'list'], /^frontdesk: unknown command "tokn" \(did you mean frontdesk token\?; frontdesk --help lists them\)\n$/],
    [['user', 'creat', '--email', 'a@b.example'], /^frontdesk user: unknown subcommand "creat" \(did you mean frontdesk user create\?\); it takes create, list, disable, enable, reset-password \(usage: frontdesk user --help\)\n$/],
    [['kb', 'remove', 'x'], /^frontdesk kb: unknown subcommand "remove"; it takes import, list, export, delete/],
    [['serve', '--port', '4000'], /^frontdesk serve takes no arguments \(got "--port 4000"\): settings are environment variables, e\.g\. PORT=4000 frontdesk serve/],
    [['doctor', '--json'], /^frontdesk doctor takes no arguments/],
    [['init', 'shop', '--frm', 'demo'], /^frontdesk init: Unknown option '--frm' \(did you mean --from\?\) \(usage: frontdesk init DIR \[--from demo\]\)\n$/],
  ])('%j → one line naming the mistake, exit code 2', async (args, message) => {
    const { code, out, err } = await frontdesk(...args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('lists the commands for a word that is no likely typo', async () => {
    const { code, err } = await frontdesk('launch');
    expect(code).toBe(2);
    expect(err).toMatch(/^frontdesk: unknown command "launch"\n\nUsage: frontdesk <command>/);
  });
});

describe('closest', () => {
  it('finds a typo within two edits or an unambiguous beginning, and nothing far off', () => {
    expect(closest('webhook', COMMANDS)).toBe('webhooks');
    expect(closest('Usr', COMMANDS)).toBe('user');
    expect(closest('reset', ['create', 'reset-password'])).toBe('reset-password');
    expect(closest('e', COMMANDS)).toBeNull();
    expect(closest('launch', COMMANDS)).toBeNull();
    expect(closest('de', COMMANDS)).toBe('demo');
    expect(closest('re', ['resend', 'remove'])).toBeNull(); // an ambiguous beginning is not guessed
  });
});
