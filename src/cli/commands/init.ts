/**
 * `frontdesk init DIR [--from demo]`: scaffolds a deployment directory, a copy of the bundled
 * demo (deployment.yaml and agents.yaml carry comments explaining each field) to edit into the
 * company's own. It refuses a DIR that exists and is not empty: nothing of the company's is
 * ever overwritten.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEMO_DEPLOYMENT_DIR } from '../../../config/deployment/index.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { parseOptions } from '../args.ts';
import type { Io } from '../main.ts';

/** The parts of a deployment directory; the demo's TypeScript (orders, sample messages) stays behind. */
export const DEPLOYMENT_PARTS = ['deployment.yaml', 'agents.yaml', 'kb', 'training'] as const;
const TEMPLATES: Record<string, string> = { demo: DEMO_DEPLOYMENT_DIR };
const USAGE = 'usage: frontdesk init DIR [--from demo]';

export async function init(args: string[], io: Io): Promise<number> {
  const parsed = parseOptions(args, { from: { type: 'string', default: 'demo' } }, true, USAGE);
  const [target, ...extra] = parsed.positionals;
  if (!target || extra.length > 0) throw new InvalidInputError(USAGE);
  const from = TEMPLATES[parsed.values.from!];
  if (!from) throw new InvalidInputError(`--from ${parsed.values.from}: unknown template (available: ${Object.keys(TEMPLATES).join(', ')})`);
  const dir = resolve(target);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InvalidInputError(`${dir}: exists and is not a directory`);
    if (readdirSync(dir).length > 0) throw new InvalidInputError(`${dir}: not empty; init writes only into a new or empty directory`);
  }
  const created = !existsSync(dir);
  try {
    mkdirSync(dir, { recursive: true });
    for (const part of DEPLOYMENT_PARTS) cpSync(join(from, part), join(dir, part), { recursive: true });
  } catch (error) {
    // Nothing half-written: a failed copy leaves the directory as it was.
    if (created) rmSync(dir, { recursive: true, force: true });
    else for (const part of DEPLOYMENT_PARTS) rmSync(join(dir, part), { recursive: true, force: true });
    throw error;
  }
  io.stdout.write(
    [
      `Created a deployment in ${dir} (a copy of the ${parsed.values.from} store):`,
      '  deployment.yaml  brand, languages, hours, confidence threshold, channels, order mapping',
      '  agents.yaml      triage routes and intents, specialists, tickets and reply templates',
      '  kb/              knowledge-base articles (Markdown)',
      '  training/        labelled example messages for triage',
      'Edit them, then check and run it, on a database of its own (the default one holds the demo\'s data once the demo ran):',
      `  export FRONTDESK_DEPLOYMENT=${target} SQLITE_PATH=./data/${basename(dir)}.db`,
      '  npm run frontdesk -- doctor',
      '  npm start',
      '',
    ].join('\n'),
  );
  return 0;
}
