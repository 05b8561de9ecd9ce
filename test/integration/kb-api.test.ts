/**
 * The knowledge-base staff API over HTTP (/v1/kb/articles) on a whole Frontdesk: every change is
 * found (or no longer found) by search at once, and the agents answer from it without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/core/staff-auth.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';

type Frontdesk = Awaited<ReturnType<typeof createTestFrontdesk>>;
let fd: Frontdesk;
let auth: Record<string, string>;

interface Article {
  slug: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}
interface Summary {
  slug: string;
  title: string;
  tags: string[];
  updatedAt: number;
  excerpt: string;
}

const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) =>
  fd.app.request(path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
const search = async (q: string) => {
  const res = await send('GET', `/v1/kb/articles?search=${encodeURIComponent(q)}&limit=10`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { articles: Summary[] }).articles.map((a) => a.slug);
};
/** A customer's question on the web channel: the reply and the triage decision recorded with it. */
async function ask(text: string) {
  const start = await fd.app.request('/v1/conversations', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const { conversation, visitorToken } = (await start.json()) as { conversation: { id: string }; visitorToken: string };
  const res = await fd.app.request(`/v1/conversations/${conversation.id}/messages?wait=1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${visitorToken}` },
    body: JSON.stringify({ text }),
  });
  const { reply } = (await res.json()) as { reply: { id: string; text: string } };
  const detail = (await (await send('GET', `/v1/conversations/${conversation.id}`)).json()) as {
    messages: { id: string; meta: { trace?: { kind: string; data: Record<string, unknown> }[] } | null }[];
  };
  const triage = detail.messages.find((m) => m.id === reply.id)?.meta?.trace?.find((t) => t.kind === 'triage')?.data;
  return { reply: reply.text, triage };
}
async function expectError(res: Response, status: number, code: string, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
}

beforeAll(async () => {
  fd = await createTestFrontdesk();
  auth = { authorization: `Bearer ${(await createApiToken(fd.store, fd.clock, { name: 'kb' })).token}` };
});
afterAll(async () => fd.stop());

describe('knowledge base staff API', () => {
  it('needs a staff token', async () => {
    await expectError(await send('GET', '/v1/kb/articles', undefined, {}), 401, 'unauthorized');
    await expectError(await send('POST', '/v1/kb/articles', { title: 'T', body: 'B' }, {}), 401, 'unauthorized');
    await expectError(await send('DELETE', '/v1/kb/articles/returns', undefined, { authorization: 'Bearer fd_nope' }), 401, 'invalid_token');
  });

  it('lists the demo articles in pages, with excerpts', async () => {
    const first = (await (await send('GET', '/v1/kb/articles?limit=5')).json()) as { articles: Summary[]; next: string };
    expect(first.articles).toHaveLength(5);
    expect(first.articles[0]).toEqual({ slug: expect.any(String), title: expect.any(String), tags: expect.any(Array), updatedAt: expect.any(Number), excerpt: expect.any(String) });
    expect(first.articles.every((a) => a.excerpt.length > 20 && a.excerpt.length <= 200 && !a.excerpt.includes('**'))).toBe(true);
    const second = (await (await send('GET', `/v1/kb/articles?limit=5&after=${first.next}`)).json()) as { articles: Summary[] };
    expect(second.articles[0]!.slug > first.next).toBe(true);
    expect(await search('return policy')).toContain('return-policy');
  });

  it('creates, reads, replaces and deletes an article, and search follows each change at once', async () => {
    const created = await send('POST', '/v1/kb/articles', {
      title: 'Bicycle workshop',
      body: '## Tune-ups\n\nOur **workshop** trues wheels and adjusts derailleurs in two days.',
      tags: ['repair', ' workshop ', 'repair'],
    });
    expect(created.status).toBe(201);
    const { article } = (await created.json()) as { article: Article };
    expect(article).toMatchObject({ slug: 'bicycle-workshop', title: 'Bicycle workshop', tags: ['repair', 'workshop'] });
    expect(await search('derailleurs')).toContain('bicycle-workshop');

    await expectError(await send('POST', '/v1/kb/articles', { title: 'Bicycle workshop', body: 'Again.' }), 409, 'article_exists', /bicycle-workshop/);
    const read = (await (await send('GET', '/v1/kb/articles/bicycle-workshop')).json()) as { article: Article };
    expect(read.article.body).toBe('## Tune-ups\n\nOur **workshop** trues wheels and adjusts derailleurs in two days.');

    const replaced = await send('PUT', '/v1/kb/articles/bicycle-workshop', {
      title: 'Bicycle servicing',
      body: 'We replace brake pads and chains while you wait.',
      ifUpdatedAt: article.updatedAt,
    });
    expect(replaced.status).toBe(200);
    const saved = ((await replaced.json()) as { article: Article }).article;
    expect(saved).toMatchObject({ slug: 'bicycle-workshop', title: 'Bicycle servicing', tags: [], createdAt: article.createdAt });
    expect(saved.updatedAt).toBeGreaterThan(article.updatedAt);
    expect(await search('derailleurs')).not.toContain('bicycle-workshop');
    expect(await search('brake pads')).toContain('bicycle-workshop');

    // Someone else saved in between: the stale edit is refused and nothing changes.
    const stale = await send('PUT', '/v1/kb/articles/bicycle-workshop', { title: 'Lost', body: 'Lost edit.', ifUpdatedAt: article.updatedAt });
    await expectError(stale, 409, 'edit_conflict', /saved this article/);
    expect(((await (await send('GET', '/v1/kb/articles/bicycle-workshop')).json()) as { article: Article }).article.title).toBe('Bicycle servicing');

    expect((await send('DELETE', '/v1/kb/articles/bicycle-workshop')).status).toBe(204);
    expect(await search('brake pads chains')).not.toContain('bicycle-workshop');
    await expectError(await send('GET', '/v1/kb/articles/bicycle-workshop'), 404, 'article_not_found');
    await expectError(await send('DELETE', '/v1/kb/articles/bicycle-workshop'), 404, 'article_not_found');
    await expectError(await send('PUT', '/v1/kb/articles/bicycle-workshop', { title: 'T', body: 'B' }), 404, 'article_not_found');
  });

  it('answers customers from an article created a moment ago, and triage knows it (and forgets it) at once', async () => {
    const created = await send('POST', '/v1/kb/articles', {
      slug: 'bike-hire',
      title: 'Bike hire at our stores',
      body: 'You can hire a city bike at any Northwind store for 12 dollars a day; bring photo ID. Tandem bicycles and cargo bikes too.',
      tags: ['bike hire', 'rent a bicycle', 'tandem'],
    });
    expect(created.status).toBe(201);
    // Unsure between routes, the triage sends this to the knowledge route only for an article covering it.
    const question = 'cargo bikes tandem bicycles hire';
    const answered = await ask(question);
    expect(answered.triage).toMatchObject({ route: 'faq', intent: 'article_match', article: 'bike-hire' });
    expect(answered.reply).toMatch(/12 dollars a day/);

    expect((await send('DELETE', '/v1/kb/articles/bike-hire')).status).toBe(204);
    const after = await ask(question);
    expect(after.triage).not.toHaveProperty('article');
    expect(after.reply).not.toMatch(/12 dollars a day/);
  });

  it.each([
    ['a missing title', { body: 'B' }, /title/],
    ['an empty body', { title: 'T', body: '   ' }, /body must not be empty/],
    ['a title over 200 characters', { title: 'x'.repeat(201), body: 'B' }, /at most 200 characters/],
    ['a body over 100 KB', { title: 'T', body: 'é'.repeat(51_201) }, /at most 100 KB/],
    ['a tag with a comma', { title: 'T', body: 'B', tags: ['a, b'] }, /commas/],
    ['tags that are not a list', { title: 'T', body: 'B', tags: 'a, b' }, /tags/],
    ['a bad slug', { title: 'T', body: 'B', slug: 'Not A Slug' }, /slug must be/],
    ['an unknown field', { title: 'T', body: 'B', tilte: 'typo' }, /tilte/],
    ['a title of control characters', { title: 'a\u0000b', body: 'B' }, /control characters/],
  ])('refuses %s with a 400 and stores nothing', async (_name, body, message) => {
    const before = await fd.store.repo.countArticles();
    await expectError(await send('POST', '/v1/kb/articles', body), 400, 'invalid_input', message);
    expect(await fd.store.repo.countArticles()).toBe(before);
  });

  it('accepts a 100 KB body (above the general request limit) and refuses a larger request with 413', async () => {
    const body = `${'word '.repeat(20_480).trim()}x`;
    expect(new TextEncoder().encode(body).length).toBe(100 * 1024);
    const res = await send('POST', '/v1/kb/articles', { slug: 'long-article', title: 'Long', body });
    expect(res.status).toBe(201);
    await expectError(await send('PUT', '/v1/kb/articles/long-article', { title: 'Long', body: `${'\n'.repeat(140_000)}x` }), 413, 'payload_too_large');
    expect((await send('DELETE', '/v1/kb/articles/long-article')).status).toBe(204);
  });

  it('gives clear errors for bad JSON and bad queries', async () => {
    await expectError(await send('POST', '/v1/kb/articles', '{"title":'), 400, 'invalid_json');
    await expectError(await send('GET', '/v1/kb/articles?limit=0'), 400, 'invalid_query');
    await expectError(await send('PUT', '/v1/kb/articles/return-policy', { title: 'T', body: 'B', ifUpdatedAt: 'yesterday' }), 400, 'invalid_input', /ifUpdatedAt/);
    expect(await search('the and of')).toEqual([]);
  });
});
