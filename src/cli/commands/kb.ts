import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadConfig } from '../../../config/env.ts';
import { InvalidInputError } from '../../core/errors.ts';
import { parseArticleFile, type ArticleInput } from '../../core/knowledge.ts';
import { openStore } from '../../entry/node.ts';
import type { Io } from '../main.ts';

const ARTICLE_FILE = /\.(md|markdown|json|jsonl)$/i;

function filesOf(path: string): string[] {
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

/** `frontdesk kb import <dir|file>…`: every file is parsed before anything is written. */
export async function kb(args: string[], io: Io): Promise<number> {
  const [sub, ...paths] = args;
  if (sub !== 'import' || paths.length === 0) throw new InvalidInputError('usage: frontdesk kb import <dir|file> [more…]');
  const articles: ArticleInput[] = [];
  for (const file of paths.flatMap(filesOf)) articles.push(...parseArticleFile(basename(file), readFileSync(file, 'utf8')));
  if (articles.length === 0) throw new InvalidInputError('no articles found (.md, .json or .jsonl files)');

  const store = openStore(loadConfig(io.env));
  const bar = new SingleBar({ stream: io.stderr, format: 'Importing [{bar}] {value}/{total} articles', hideCursor: true, noTTYOutput: false });
  try {
    await store.migrate();
    bar.start(articles.length, 0);
    const now = Date.now();
    // One transaction: a failing article leaves the knowledge base as it was.
    await store.transaction(async (repo) => {
      for (const article of articles) {
        await repo.upsertArticle({ ...article, now });
        bar.increment();
      }
    });
    bar.stop();
    io.stdout.write(`Imported ${articles.length} articles; the knowledge base now holds ${await store.repo.countArticles()}.\n`);
    return 0;
  } finally {
    bar.stop();
    await store.close();
  }
}
