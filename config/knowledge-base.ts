/** The demo store's knowledge base: the Markdown articles in config/kb (README.md describes the folder). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArticleFile, type ArticleInput } from '../src/core/knowledge.ts';

const DEFAULT_KB_DIR = join(dirname(fileURLToPath(import.meta.url)), 'kb');

export function defaultArticles(): ArticleInput[] {
  return readdirSync(DEFAULT_KB_DIR)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .sort()
    .flatMap((file) => parseArticleFile(file, readFileSync(join(DEFAULT_KB_DIR, file), 'utf8')));
}
