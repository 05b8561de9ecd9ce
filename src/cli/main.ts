/**
 * `frontdesk <command>`: serve (default), migrate, token create|list|revoke, user create|list|disable|reset-password, kb import|list|export|delete, export, init, demo,
 * doctor, eval, outbox list|resend, webhooks list|add|remove|test, train. Bad usage prints one clear line and exits with 2.
 */
import { FrontdeskError } from '../core/errors.ts';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'serve the API, webhooks, widget and console (default)', load: async () => (await import('./commands/serve.ts')).serve },
  migrate: { summary: 'apply database migrations', load: async () => (await import('./commands/migrate.ts')).migrate },
  token: { summary: 'token create --name NAME [--user EMAIL] [--days N] | list [--user EMAIL] | revoke ID: staff API tokens', load: async () => (await import('./commands/token.ts')).token },
  user: { summary: 'user create --email E --name N [--password P] [--role agent|admin] | list | disable --email E | reset-password --email E [--password P]', load: async () => (await import('./commands/user.ts')).user },
  kb: { summary: 'kb import <dir|file>… | list [--json] | export <dir> | delete <slug>…: manage the knowledge base', load: async () => (await import('./commands/kb.ts')).kb },
  export: {
    summary: 'export conversations|messages|tickets|metrics --from ISO --to ISO [--format csv|jsonl] [--out FILE]',
    load: async () => (await import('./commands/export.ts')).exportData,
  },
  init: { summary: 'init DIR [--from demo]: scaffold a deployment directory to make your own', load: async () => (await import('./commands/init.ts')).init },
  demo: { summary: 'send sample customer messages through the pipeline and print the replies', load: async () => (await import('./commands/demo.ts')).demo },
  doctor: { summary: 'check configuration, the deployment directory, database and channels', load: async () => (await import('./commands/doctor.ts')).doctor },
  eval: {
    summary: 'eval routes|kb|answers …: measure triage, knowledge-base and answer quality',
    load: async () => {
      const { runEval } = await import('./commands/eval.ts');
      return (args, io) => runEval(args, io);
    },
  },
  outbox: {
    summary: 'outbox list --failed [--json] | resend MESSAGE_ID…|--all-failed: replies delivery gave up on, and sending them again',
    load: async () => (await import('./commands/outbox.ts')).outbox,
  },
  webhooks: {
    summary: 'webhooks list [--json] | add URL --events TYPE,… [--secret S] | remove ID… | test ID: outgoing webhook subscriptions',
    load: async () => (await import('./commands/webhooks.ts')).webhooks,
  },
  train: { summary: 'retrain the triage model, including human route corrections', load: async () => (await import('./commands/train.ts')).train },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return ['Usage: frontdesk <command> [options]', '', ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`)].join('\n');
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [name = 'serve', ...args] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`frontdesk: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load())(args, io);
  } catch (error) {
    if (error instanceof FrontdeskError) {
      io.stderr.write(`frontdesk ${name}: ${error.message}\n`);
      return error.status >= 500 && error.code !== 'config_error' ? 1 : 2;
    }
    throw error;
  }
}
