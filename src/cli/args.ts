import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '../core/errors.ts';
import { closest } from './closest.ts';

/** node:util parseArgs with errors turned into one clear CLI message, ending in `(usage)` when given. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false, usage?: string) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    // node:util's advice on positionals that start with '-' ("To specify a positional argument…") only confuses a typo.
    let problem = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    const unknown = /^Unknown option '--([^']+)'/.exec(problem)?.[1];
    const meant = unknown ? closest(unknown, Object.keys(options)) : null;
    if (meant) problem += ` (did you mean --${meant}?)`;
    throw new InvalidInputError(usage ? `${problem} (${usage})` : problem);
  }
}
