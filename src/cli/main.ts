/**
 * `frontdesk <command>`: serve (default), migrate, token create|list|revoke, user create|list|disable|enable|reset-password, kb import|list|export|delete, export, init, demo,
 * doctor, eval, outbox list|resend, webhooks list|add|remove|test, train. `--help` after any command shows its forms;
 * bad usage prints one clear line (with the command meant, for a typo) and exits with 2.
 */
import { FrontdeskError } from '../core/errors.ts';
import { closest } from './closest.ts';

export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

type Command = (args: string[], io: Io) => Promise<number>;

interface CommandSpec {
  /** Its line in `frontdesk --help`. */
  summary: string;
  /** `frontdesk <command> --help`: each form of the command and what it does. */
  help: string[];
  /**
   * The first argument names a subcommand (`user create`): one of the words after `frontdesk <command>`
   * on the help's form lines, so the help and the check cannot drift apart. Another word is a typo,
   * answered before anything runs.
   */
  takesSubcommand?: boolean;
  /** Configured by environment variables alone: a stray argument (`serve --port 4000`) is refused, not ignored. */
  noArguments?: boolean;
  load: () => Promise<Command>;
}

const SETTINGS = 'Settings are environment variables (PORT, DATABASE_URL, FRONTDESK_DEPLOYMENT, …: README, Configuration); `frontdesk doctor` checks them.';

const COMMANDS: Record<string, CommandSpec> = {
  serve: {
    summary: 'serve the API, webhooks, widget and console (the default command)',
    help: [
      'frontdesk serve',
      '  Serves the API, channel webhooks, the widget demo page (/) and the staff console (/console/) on PORT (3000).',
      '  Applies migrations and imports the deployment\'s kb/ articles first; the first start also trains the triage model.',
      `  ${SETTINGS}`,
    ],
    noArguments: true,
    load: async () => (await import('./commands/serve.ts')).serve,
  },
  migrate: {
    summary: 'apply database migrations and import the deployment\'s articles',
    help: ['frontdesk migrate', '  Applies the migrations of the configured database (SQLite, or DATABASE_URL) and imports the deployment\'s new kb/ articles.', `  ${SETTINGS}`],
    noArguments: true,
    load: async () => (await import('./commands/migrate.ts')).migrate,
  },
  token: {
    summary: 'staff API tokens: create, list, revoke',
    help: [
      'frontdesk token create --name NAME [--user EMAIL] [--days N]   a staff API token, printed once (without --user: an admin operator token)',
      'frontdesk token list [--user EMAIL]                             tokens newest first, never their secret',
      'frontdesk token revoke ID                                       ends one token (ids from token list)',
    ],
    takesSubcommand: true,
    load: async () => (await import('./commands/token.ts')).token,
  },
  user: {
    summary: 'staff users: create, list, disable, enable, reset-password',
    help: [
      'frontdesk user create --email E --name N [--password P] [--role agent|admin] [--slack USERID]',
      '    a staff user; --role defaults to admin while there is no enabled admin, else agent;',
      '    the password may also come from FRONTDESK_USER_PASSWORD (without one: API and Slack only)',
      'frontdesk user list                                  users with role, password set, live tokens, state',
      'frontdesk user disable --email E                     refuses their sign-in and tokens until enabled',
      'frontdesk user enable --email E                      lets a disabled user in again',
      'frontdesk user reset-password --email E [--password P]   sets a new password (generated and printed when not given)',
    ],
    takesSubcommand: true,
    load: async () => (await import('./commands/user.ts')).user,
  },
  kb: {
    summary: 'the knowledge base: import, list, export, delete',
    help: [
      'frontdesk kb import <dir|file>…      Markdown (front matter: title, slug, tags) or JSON/JSONL articles, all or nothing',
      'frontdesk kb list [--json]           the articles: slug, last saved, title, tags',
      'frontdesk kb export <dir> [--force]  one Markdown file per article, which kb import reads back',
      'frontdesk kb delete <slug>…          deletes the articles, all or none',
    ],
    takesSubcommand: true,
    load: async () => (await import('./commands/kb.ts')).kb,
  },
  export: {
    summary: 'export conversations, messages, tickets or metrics as CSV or JSON Lines',
    help: [
      'frontdesk export conversations|messages|tickets|metrics --from ISO --to ISO [--format csv|jsonl] [--out FILE]',
      '  What was created from --from (inclusive) to --to (exclusive), e.g. --from 2026-11-01 --to 2026-12-01; to stdout or FILE.',
    ],
    load: async () => (await import('./commands/export.ts')).exportData,
  },
  init: {
    summary: 'scaffold a deployment directory to make your own',
    help: [
      'frontdesk init DIR [--from demo]',
      '  Writes a commented copy of the demo (deployment.yaml, agents.yaml, kb/, training/) into DIR, which must be new or empty.',
      '  Then: FRONTDESK_DEPLOYMENT=DIR frontdesk doctor, and FRONTDESK_DEPLOYMENT=DIR frontdesk serve.',
    ],
    load: async () => (await import('./commands/init.ts')).init,
  },
  demo: {
    summary: 'send sample customer messages through the pipeline and print the replies',
    help: ['frontdesk demo', '  The demo store\'s sample messages through the real pipeline on a throwaway database; prints each reply.'],
    noArguments: true,
    load: async () => (await import('./commands/demo.ts')).demo,
  },
  doctor: {
    summary: 'check configuration, the deployment directory, database and channels',
    help: [
      'frontdesk doctor',
      '  Checks the environment variables, the deployment directory (every problem with its file and line),',
      '  the database, which channels are on (and why the others are off) and the order source. Exits 1 on a problem.',
    ],
    noArguments: true,
    load: async () => (await import('./commands/doctor.ts')).doctor,
  },
  eval: {
    summary: 'measure triage, knowledge-base and answer quality',
    help: [
      'frontdesk eval routes [--test FILE] [--train FILE [--val FILE] | --threshold P [--cache-dir DIR] | --engine openai | --learning-curve [--draws N]] [--json]',
      '    routes messages labelled with routes or intents; without --test, a held-out fifth of the deployment\'s own examples',
      'frontdesk eval kb --articles FILE|DIR --queries FILE [--json]   recall of knowledge search',
      'frontdesk eval answers --test FILE [--cache-dir DIR] [--json]   the answers to questions and dialogues',
    ],
    takesSubcommand: true,
    load: async () => {
      const { runEval } = await import('./commands/eval.ts');
      return (args, io) => runEval(args, io);
    },
  },
  outbox: {
    summary: 'replies delivery gave up on: list them, send them again',
    help: [
      'frontdesk outbox list --failed [--json]              replies delivery gave up on',
      'frontdesk outbox resend MESSAGE_ID…|--all-failed     requeues them; the running server sends them at its next sweep',
    ],
    takesSubcommand: true,
    load: async () => (await import('./commands/outbox.ts')).outbox,
  },
  webhooks: {
    summary: 'outgoing webhook subscriptions: list, add, remove, test',
    help: [
      'frontdesk webhooks list [--json]                          subscriptions',
      'frontdesk webhooks add URL --events TYPE,… [--secret S]   subscribes URL; prints the signing secret once',
      'frontdesk webhooks remove ID…                             unsubscribes',
      'frontdesk webhooks test ID                                sends a signed webhook.test event and prints the answer',
    ],
    takesSubcommand: true,
    load: async () => (await import('./commands/webhooks.ts')).webhooks,
  },
  train: {
    summary: 'retrain the triage model, including human route corrections',
    help: ['frontdesk train [--cache-dir DIR] [--json]', '  Retrains the deployment\'s triage model on training/ and the route corrections staff made, into the cache the server loads.'],
    load: async () => (await import('./commands/train.ts')).train,
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'Usage: frontdesk <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.summary}`),
    '',
    'frontdesk <command> --help shows a command\'s options.',
  ].join('\n');
}

const asksForHelp = (args: string[]) => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** The subcommands a command's help lists: the word after `frontdesk <command>` on each form's line, in order. */
function subcommandsOf(name: string, help: string[]): string[] {
  const form = `frontdesk ${name} `;
  return help.filter((line) => line.startsWith(form)).map((line) => line.slice(form.length).split(' ')[0]!);
}

/** A one-line refusal of what the command line got wrong before the command runs, or null. */
function misuse(name: string, spec: CommandSpec, args: string[]): string | null {
  if (spec.noArguments && args.length > 0) {
    const example = name === 'serve' ? 'PORT=4000 frontdesk serve' : `FRONTDESK_DEPLOYMENT=./my-shop frontdesk ${name}`;
    return `frontdesk ${name} takes no arguments (got "${args.join(' ')}"): settings are environment variables, e.g. ${example} (README, Configuration)`;
  }
  const [sub] = args;
  const subcommands = spec.takesSubcommand ? subcommandsOf(name, spec.help) : [];
  if (spec.takesSubcommand && sub !== undefined && !sub.startsWith('-') && !subcommands.includes(sub)) {
    const guess = closest(sub, subcommands);
    return `frontdesk ${name}: unknown subcommand "${sub}"${guess ? ` (did you mean frontdesk ${name} ${guess}?)` : ''}; it takes ${subcommands.join(', ')} (usage: frontdesk ${name} --help)`;
  }
  return null;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [first = 'serve', ...rest] = argv;
  // `frontdesk help kb` reads as `frontdesk kb --help`.
  const [name, args] = first === 'help' && rest[0] ? [rest[0], ['--help']] : [first, rest];
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(`${usage()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    const guess = closest(name, Object.keys(COMMANDS));
    // A likely typo gets one line naming the command meant; anything else, the list of commands.
    io.stderr.write(guess ? `frontdesk: unknown command "${name}" (did you mean frontdesk ${guess}?; frontdesk --help lists them)\n` : `frontdesk: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  if (asksForHelp(args)) {
    io.stdout.write(`${command.help.join('\n')}\n`);
    return 0;
  }
  const refused = misuse(name, command, args);
  if (refused) {
    io.stderr.write(`${refused}\n`);
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
