/**
 * Knowledge-base articles from files: Markdown with a small front matter (title, tags), or JSON
 * (one article, an array, or JSONL lines with id/slug, title|question, body|answer, tags).
 */
import { InvalidInputError } from './errors.ts';
import { foldText } from './text.ts';

export interface ArticleInput {
  slug: string;
  title: string;
  body: string;
  tags: string[];
}

const slugify = (s: string) =>
  foldText(s)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

const splitTags = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' ? v.split(',').map((t) => t.trim()).filter(Boolean) : [];

export function parseMarkdownArticle(fileName: string, content: string): ArticleInput {
  const text = content.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const front = /^---\n([\s\S]*?)\n---\n?/.exec(text);
  const meta: Record<string, string> = {};
  for (const line of front?.[1]?.split('\n') ?? []) {
    const m = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (m) meta[m[1]!.toLowerCase()] = m[2]!.trim().replace(/^["']|["']$/g, '');
  }
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
  return { slug: meta.slug ?? slugify(base), title, body: body.trim(), tags: splitTags(meta.tags) };
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
