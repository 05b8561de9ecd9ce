/**
 * Which files hold knowledge-base articles, as `kb import` and `eval answers` read them. Its own
 * module so `eval` need not load the kb command (and with it the whole server wiring).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../core/errors.ts';

const ARTICLE_FILE = /\.(md|markdown|json|jsonl)$/i;

/** A file as itself; a directory as its article files (no README), sorted by name. Throws for a missing path. */
export function filesOf(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InvalidInputError(`${path}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => ARTICLE_FILE.test(f) && !/^readme\./i.test(f))
    .sort()
    .map((f) => join(path, f));
}
