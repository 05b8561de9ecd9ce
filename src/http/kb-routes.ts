/**
 * The staff API for the knowledge base under /v1/kb: list and search, read, create, replace
 * (with an optional edit-conflict check) and delete articles. Search reads the same full-text
 * index the agents answer from, which the store keeps in step with every write.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ConflictError, FrontdeskError, InvalidInputError } from '../core/errors.ts';
import { slugify } from '../core/knowledge.ts';
import type { Store } from '../core/ports.ts';
import type { KnowledgeArticle } from '../core/types.ts';
import { errors, jsonBody, jsonResponse, queryParameters, routeFamily, STAFF_AUTH, TAGS } from './api-doc.ts';
import { ArticleRecord, ArticleSummary } from './api-schemas.ts';
import { CONTROL, query, readJson } from './body.ts';

/** Longest article title, in characters. */
export const MAX_TITLE_CHARS = 200;
/** Largest article body, in UTF-8 bytes (100 KB). */
export const MAX_BODY_BYTES = 100 * 1024;
/**
 * Largest request body these routes accept: a 100 KB article as JSON (escaped newlines and quotes
 * take two bytes each) with its title and tags. The app's general body limit is lower.
 */
export const MAX_ARTICLE_REQUEST_BYTES = 256 * 1024;
const MAX_TAGS = 30;
const MAX_TAG_CHARS = 60;
const EXCERPT_CHARS = 200;

export interface KnowledgeRouteDeps {
  store: Store;
  now(): number;
  /** Authenticates the staff member (the /v1 staff auth), throwing 401 without a valid token. */
  authenticate(c: Context): Promise<unknown>;
  /** Called after every change, so the running agents use the new articles at once; never rejects. */
  knowledgeChanged?(): Promise<void>;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

const Title = z
  .string({ error: 'title is required and must be a string' })
  .refine((s) => !CONTROL.test(s) && !/[\r\n]/.test(s), 'title must be one line without control characters')
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'title must not be empty')
  .refine((s) => s.length <= MAX_TITLE_CHARS, `title must be at most ${MAX_TITLE_CHARS} characters`);
const Body = z
  .string({ error: 'body is required and must be a string (Markdown)' })
  .refine((s) => !CONTROL.test(s), 'body contains control characters')
  .transform((s) => s.replace(/\r\n?/g, '\n').trim())
  .refine((s) => s.length > 0, 'body must not be empty')
  .refine((s) => utf8Bytes(s) <= MAX_BODY_BYTES, `body must be at most ${MAX_BODY_BYTES / 1024} KB`);
// Tags are stored comma-joined for the full-text index, so a tag cannot hold a comma.
const Tags = z
  .array(
    z
      .string()
      .transform((s) => s.trim())
      .refine((s) => s.length > 0 && s.length <= MAX_TAG_CHARS, `each tag must be 1–${MAX_TAG_CHARS} characters`)
      .refine((s) => !s.includes(',') && !CONTROL.test(s), 'a tag must not contain commas or control characters'),
    { error: 'tags must be a list of strings' },
  )
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`)
  .transform((tags) => [...new Set(tags)]);
const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/, 'slug must be 1–80 lowercase letters, digits and hyphens, not starting or ending with a hyphen');

export const CreateBody = z.strictObject({ title: Title, body: Body, tags: Tags.optional(), slug: Slug.optional() });
export const ReplaceBody = z.strictObject({
  title: Title,
  body: Body,
  tags: Tags.optional(),
  /** The updatedAt the editor started from; a later save in between answers 409 edit_conflict. */
  ifUpdatedAt: z.number().int().nonnegative().optional(),
});
export const ListQuery = z.object({
  search: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  after: z.string().max(200).optional(),
});

/** The start of an article as plain text: Markdown marks dropped, whitespace folded. */
export function excerpt(body: string, max = EXCERPT_CHARS): string {
  const text = body
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)/gm, '')
    .replace(/[*_`~]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;
}

const summary = (a: KnowledgeArticle) => ({ slug: a.slug, title: a.title, tags: a.tags, updatedAt: a.updatedAt, excerpt: excerpt(a.body) });

function articleNotFound(slug: string) {
  return new FrontdeskError('article_not_found', `No knowledge article with slug ${JSON.stringify(slug)}.`, 404);
}

const kbRoute = routeFamily(TAGS.kb, STAFF_AUTH, 400, 401);
/** Changes: admins only (roles.ts), and larger bodies than the general limit. */
const kbChange = routeFamily(TAGS.kb, STAFF_AUTH, 400, 401, 403, 404, 413);
const ArticleEnvelope = z.object({ article: ArticleRecord });
const EXAMPLE_ARTICLE = { title: 'Returns and refunds', body: '# Returns\n\nReturn unworn items within **30 days** for a full refund.', tags: ['returns', 'refunds'] };

export function createKnowledgeRoutes(deps: KnowledgeRouteDeps) {
  const { store } = deps;
  const app = new Hono();
  const changed = () => deps.knowledgeChanged?.();

  app.get('/articles', kbRoute('List articles in slug order, or search them best first', {
    parameters: queryParameters(ListQuery),
    responses: { 200: jsonResponse('A page of article summaries; `next` is the `after` of the next page', z.object({ articles: z.array(ArticleSummary), next: z.string().nullable() })) },
  }), async (c) => {
    await deps.authenticate(c);
    const { search, limit = 50, after } = query(c, ListQuery);
    if (search) {
      // Best first, as the agents see them; a search is one page.
      const hits = await store.repo.searchKnowledge(search, limit);
      return c.json({ articles: hits.map((h) => ({ ...summary(h.article), score: h.score })), next: null });
    }
    const articles = await store.repo.listArticles({ limit, after });
    const next = articles.length === limit ? articles.at(-1)!.slug : null;
    return c.json({ articles: articles.map(summary), next });
  });

  app.get('/articles/:slug', kbRoute('One whole article', { responses: { 200: jsonResponse('The article', ArticleEnvelope), ...errors(404) } }), async (c) => {
    await deps.authenticate(c);
    const article = await store.repo.getArticle(c.req.param('slug'));
    if (!article) throw articleNotFound(c.req.param('slug'));
    return c.json({ article });
  });

  app.post('/articles', kbChange('Create an article (admin)', {
    requestBody: jsonBody(CreateBody, { ...EXAMPLE_ARTICLE, slug: 'returns' }),
    responses: { 201: jsonResponse('The created article', ArticleEnvelope), ...errors(409) },
  }), async (c) => {
    await deps.authenticate(c);
    const input = await readJson(c, CreateBody);
    const slug = input.slug ?? slugify(input.title);
    if (!slug) throw new InvalidInputError('The title gives no slug (no Latin letters or digits); send a slug.', undefined, 'slug_required');
    const article = await store.repo.createArticle({ slug, title: input.title, body: input.body, tags: input.tags ?? [], now: deps.now() });
    if (!article) throw new ConflictError('article_exists', `An article with slug ${JSON.stringify(slug)} exists already; replace it with PUT /v1/kb/articles/${slug}.`);
    await changed();
    return c.json({ article }, 201);
  });

  app.put('/articles/:slug', kbChange('Replace an article (admin); 409 edit_conflict when saved since ifUpdatedAt', {
    requestBody: jsonBody(ReplaceBody, { ...EXAMPLE_ARTICLE, ifUpdatedAt: 1764000000000 }),
    responses: { 200: jsonResponse('The replaced article', ArticleEnvelope), ...errors(409) },
  }), async (c) => {
    await deps.authenticate(c);
    const input = await readJson(c, ReplaceBody);
    const slug = c.req.param('slug');
    const result = await store.repo.updateArticle(slug, { title: input.title, body: input.body, tags: input.tags ?? [], now: deps.now(), ifUpdatedAt: input.ifUpdatedAt });
    if (result.status === 'not_found') throw articleNotFound(slug);
    if (result.status === 'conflict') {
      const at = new Date(result.current.updatedAt).toISOString();
      throw new FrontdeskError('edit_conflict', `Someone saved this article at ${at}, after the version you edited; reload it and apply your changes again.`, 409, {
        updatedAt: result.current.updatedAt,
      });
    }
    await changed();
    return c.json({ article: result.article });
  });

  app.delete('/articles/:slug', kbChange('Delete an article (admin)', { responses: { 204: { description: 'Deleted' } } }), async (c) => {
    await deps.authenticate(c);
    const slug = c.req.param('slug');
    if (!(await store.repo.deleteArticle(slug))) throw articleNotFound(slug);
    await changed();
    return c.body(null, 204);
  });

  return app;
}
