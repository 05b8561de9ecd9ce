import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '../core/errors.ts';

/** node:util parseArgs with errors turned into one clear CLI message, ending in `(usage)` when given. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false, usage?: string) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const problem = (error as Error).message.split('\n')[0]!;
    throw new InvalidInputError(usage ? `${problem} (${usage})` : problem);
  }
}
