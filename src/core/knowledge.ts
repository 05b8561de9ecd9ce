/**
 * Knowledge-base articles from files: Markdown with a YAML front matter (title, slug, tags), or
 * JSON (one article, an array, or JSONL lines with id/slug, title|question, body|answer, tags).
 */
import { parseDocument, stringify } from 'yaml';
import { InvalidInputError } from './errors.ts';
import { foldText } from './text.ts';

export interface ArticleInput {
  slug: string;
  title: string;
  body: string;
  tags: string[];
}

/** A slug from a title or file name: lowercase letters, digits and hyphens, at most 80 characters. */
export const slugify = (s: string) =>
  foldText(s)
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 80)
    .replace(/^-+|-+$/g, '');

/** Tags as a list, or one comma-separated text; stored comma-joined, so a tag never holds a comma. */
const splitTags = (v: unknown): string[] =>
  Array.isArray(v)
    ? v.flatMap((t) => splitTags(t === null || t === undefined ? '' : String(t)))
    : typeof v === 'string' || typeof v === 'number'
      ? String(v).split(',').map((t) => t.trim()).filter(Boolean)
      : [];

/** The front matter block: `---` on the first line, YAML, `---` on a line of its own. */
const FRONT_MATTER = /^---[ \t]*\n(?:([\s\S]*?)\n)?---[ \t]*(?:\n|$)/;

/**
 * Reads the YAML front matter of a Markdown article with the `yaml` library: title, slug, tags
 * (a YAML list, flow or block, or one comma-separated string). Other keys are ignored.
 * A YAML error names the file and the line of the file it is on.
 */
function readFrontMatter(fileName: string, yamlText: string): { title?: string; slug?: string; tags: string[] } {
  const doc = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    // +1 for the opening `---` line; the library counts lines from 1 within the block.
    const line = (problem.linePos?.[0]?.line ?? 1) + 1;
    const what = problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new InvalidInputError(`${fileName}:${line}: the front matter is not valid YAML: ${what}`);
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return { tags: [] };
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidInputError(`${fileName}: the front matter must be YAML keys (title:, tags:), not a ${Array.isArray(data) ? 'list' : 'single value'}`);
  }
  const meta = Object.fromEntries(Object.entries(data).map(([k, v]) => [k.toLowerCase(), v as unknown]));
  const scalar = (key: string): string | undefined => {
    const v = meta[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v).trim() || undefined;
    throw new InvalidInputError(`${fileName}: front matter "${key}" must be text, not a ${Array.isArray(v) ? 'list' : 'mapping'}`);
  };
  const tags = meta.tags;
  if (Array.isArray(tags) && tags.some((t) => typeof t === 'object' && t !== null)) {
    throw new InvalidInputError(`${fileName}: front matter "tags" must be a list of words or phrases`);
  }
  if (tags !== undefined && tags !== null && typeof tags === 'object' && !Array.isArray(tags)) {
    throw new InvalidInputError(`${fileName}: front matter "tags" must be a list or a comma-separated text`);
  }
  return { title: scalar('title'), slug: scalar('slug'), tags: splitTags(tags) };
}

export function parseMarkdownArticle(fileName: string, content: string): ArticleInput {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const front = FRONT_MATTER.exec(text);
  if (!front && /^---[ \t]*\n/.test(text)) throw new InvalidInputError(`${fileName}:1: the front matter opened with --- is never closed by a --- line`);
  const meta = front ? readFrontMatter(fileName, front[1] ?? '') : { tags: [] as string[] };
  let body = front ? text.slice(front[0].length) : text;
  let title = meta.title;
  const heading = /^#\s+(.+)\n+/.exec(body.trimStart());
  if (!title && heading) {
    title = heading[1]!.trim();
    body = body.trimStart().slice(heading[0].length);
  }
  if (!title) throw new InvalidInputError(`${fileName}: no title (front matter "title:" or a "# Heading")`);
  if (!body.trim()) throw new InvalidInputError(`${fileName}: the article has no body`);
  const base = fileName.replace(/^.*\//, '').replace(/\.(md|markdown)$/i, '');
  return { slug: meta.slug ?? slugify(base), title, body: body.trim(), tags: meta.tags };
}

/**
 * One article as a Markdown file whose YAML front matter (written by the `yaml` library) holds
 * its title, slug and tags: what `parseMarkdownArticle` reads back unchanged.
 */
export function articleToMarkdown(article: ArticleInput): string {
  const front = stringify({ title: article.title, slug: article.slug, tags: article.tags }, { lineWidth: 0 });
  return `---\n${front}---\n\n${article.body.trim()}\n`;
}

function fromObject(source: string, o: unknown): ArticleInput {
  if (typeof o !== 'object' || o === null) throw new InvalidInputError(`${source}: each article must be an object`);
  const r = o as Record<string, unknown>;
  const title = r.title ?? r.question;
  const body = r.body ?? r.answer;
  if (typeof title !== 'string' || !title.trim()) throw new InvalidInputError(`${source}: an article has no title/question`);
  if (typeof body !== 'string' || !body.trim()) throw new InvalidInputError(`${source}: article "${title}" has no body/answer`);
  const slug = typeof r.slug === 'string' ? r.slug : typeof r.id === 'string' ? r.id : slugify(title);
  return { slug, title: title.trim(), body: body.trim(), tags: splitTags(r.tags) };
}

export function parseJsonArticles(fileName: string, content: string): ArticleInput[] {
  const text = content.replace(/^\uFEFF/, '').trim();
  if (fileName.endsWith('.jsonl')) {
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((line, i) => {
        try {
          return fromObject(`${fileName}:${i + 1}`, JSON.parse(line));
        } catch (error) {
          if (error instanceof InvalidInputError) throw error;
          throw new InvalidInputError(`${fileName}:${i + 1}: not valid JSON`);
        }
      });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new InvalidInputError(`${fileName}: not valid JSON`);
  }
  return (Array.isArray(data) ? data : [data]).map((o, i) => fromObject(`${fileName}[${i}]`, o));
}

/** Parses one file by its extension. */
export function parseArticleFile(fileName: string, content: string): ArticleInput[] {
  if (/\.(md|markdown)$/i.test(fileName)) return [parseMarkdownArticle(fileName, content)];
  if (/\.jsonl?$/i.test(fileName)) return parseJsonArticles(fileName, content);
  throw new InvalidInputError(`${fileName}: unsupported file type (use .md, .json or .jsonl)`);
}
