import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInputError } from '../core/errors.ts';

/** node:util parseArgs with errors turned into one clear CLI message. */
export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new InvalidInputError((error as Error).message.split('\n')[0]!);
  }
}
