/**
 * `frontdesk kb import|list|export|delete`: the knowledge base from the command line. Import and
 * delete are all-or-nothing (one transaction, every file parsed first); export writes one
 * Markdown file per article whose YAML front matter `kb import` reads back unchanged.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { InvalidInputError } from '../../core/errors.ts';
import { articleToMarkdown, parseArticleFile, slugify, type ArticleInput } from '../../core/knowledge.ts';
import { parseOptions } from '../args.ts';
import { filesOf } from '../article-files.ts';
import type { Io } from '../main.ts';
import { withStore } from '../with-store.ts';

const USAGE = 'usage: frontdesk kb import <dir|file>… | kb list [--json] | kb export <dir> [--force] | kb delete <slug>…';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `kb import`: every file is parsed before anything is written; reports what it created and replaced. */
async function importArticles(paths: string[], io: Io): Promise<number> {
  if (paths.length === 0) throw new InvalidInputError('usage: frontdesk kb import <dir|file> [more…]');
  const articles: ArticleInput[] = [];
  const source = new Map<string, string>();
  for (const file of paths.flatMap(filesOf)) {
    for (const article of parseArticleFile(basename(file), readFileSync(file, 'utf8'))) {
      const earlier = source.get(article.slug);
      if (earlier) throw new InvalidInputError(`${basename(file)}: slug "${article.slug}" is also given by ${earlier}; each article needs its own slug`);
      source.set(article.slug, basename(file));
      articles.push(article);
    }
  }
  if (articles.length === 0) throw new InvalidInputError('no articles found (.md, .json or .jsonl files)');

  return withStore(io, async (store) => {
    const bar = new SingleBar({ stream: io.stderr, format: 'Importing [{bar}] {value}/{total} articles', hideCursor: true, noTTYOutput: false });
    const created: string[] = [];
    const replaced: string[] = [];
    try {
      bar.start(articles.length, 0);
      const now = Date.now();
      // One transaction: a failing article leaves the knowledge base as it was.
      await store.transaction(async (repo) => {
        for (const article of articles) {
          ((await repo.getArticle(article.slug)) ? replaced : created).push(article.slug);
          await repo.upsertArticle({ ...article, now });
          bar.increment();
        }
      });
    } finally {
      bar.stop();
    }
    io.stdout.write(`Imported ${plural(articles.length, 'article')}: ${created.length} created, ${replaced.length} replaced.\n`);
    if (created.length) io.stdout.write(`Created: ${created.join(', ')}\n`);
    if (replaced.length) io.stdout.write(`Replaced: ${replaced.join(', ')}\n`);
    io.stdout.write(`The knowledge base now holds ${plural(await store.repo.countArticles(), 'article')}.\n`);
    return 0;
  });
}

async function listArticles(args: string[], io: Io): Promise<number> {
  const { values } = parseOptions(args, { json: { type: 'boolean' } });
  return withStore(io, async (store) => {
    const articles = await store.repo.listArticles();
    if (values.json) {
      const rows = articles.map((a) => ({ slug: a.slug, title: a.title, tags: a.tags, createdAt: a.createdAt, updatedAt: a.updatedAt }));
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(4, ...articles.map((a) => a.slug.length));
    io.stdout.write(`${'SLUG'.padEnd(width)}  UPDATED (UTC)     TITLE\n`);
    for (const a of articles) {
      const updated = new Date(a.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
      io.stdout.write(`${a.slug.padEnd(width)}  ${updated}  ${a.title}${a.tags.length ? `  [${a.tags.join(', ')}]` : ''}\n`);
    }
    io.stdout.write(`${plural(articles.length, 'article')}\n`);
    return 0;
  });
}

/** A file name for a slug: the slug itself when it is safe as one; the front matter keeps the real slug. */
function fileNameFor(slug: string, taken: Set<string>): string {
  const base = /^[a-z0-9][a-z0-9._-]{0,99}$/i.test(slug) && !/^readme$/i.test(slug) ? slug : slugify(slug) || 'article';
  let name = `${base}.md`;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}.md`;
  taken.add(name.toLowerCase());
  return name;
}

async function exportArticles(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseOptions(args, { force: { type: 'boolean' } }, true);
  if (positionals.length !== 1) throw new InvalidInputError('usage: frontdesk kb export <dir> [--force]');
  const dir = positionals[0]!;
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new InvalidInputError(`${dir}: not a directory`);
    if (readdirSync(dir).length > 0 && !values.force) throw new InvalidInputError(`${dir}: the directory is not empty (use a new or empty one, or --force to overwrite files)`);
  }
  return withStore(io, async (store) => {
    const articles = await store.repo.listArticles();
    mkdirSync(dir, { recursive: true });
    const taken = new Set<string>();
    for (const a of articles) writeFileSync(join(dir, fileNameFor(a.slug, taken)), articleToMarkdown(a));
    io.stdout.write(`Exported ${plural(articles.length, 'article')} to ${dir}\n`);
    return 0;
  });
}

/** `kb delete`: every slug must exist, or nothing is deleted. */
async function deleteArticles(slugs: string[], io: Io): Promise<number> {
  if (slugs.length === 0) throw new InvalidInputError('usage: frontdesk kb delete <slug> [more…]');
  const unique = [...new Set(slugs)];
  return withStore(io, async (store) => {
    const missing: string[] = [];
    await store.transaction(async (repo) => {
      for (const slug of unique) if (!(await repo.deleteArticle(slug))) missing.push(slug);
      // Throwing rolls the transaction back: the articles that did exist stay.
      if (missing.length) throw new InvalidInputError(`no article with slug ${missing.map((s) => `"${s}"`).join(', ')}; nothing was deleted`);
    });
    io.stdout.write(`Deleted ${plural(unique.length, 'article')}: ${unique.join(', ')}\n`);
    return 0;
  });
}

export async function kb(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import':
      return importArticles(rest, io);
    case 'list':
      return listArticles(rest, io);
    case 'export':
      return exportArticles(rest, io);
    case 'delete':
      return deleteArticles(rest, io);
    default:
      throw new InvalidInputError(USAGE);
  }
}
