/**
 * The knowledge base: a searchable list (#/kb) and an article page (#/kb/<slug>, #/kb/~new) to
 * create, edit with a live Markdown preview, and delete articles. A save names the revision it
 * started from, so an edit made in between is reported instead of overwritten.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { KnowledgeArticle } from '../../core/types.ts';
import { api, ApiError, formatTime, queryString } from './api.ts';
import { markdownToHtml } from '../../render/markdown.ts';

interface ArticleSummary {
  slug: string;
  title: string;
  tags: string[];
  updatedAt: number;
  excerpt: string;
}

const PAGE = 50;
const articlePath = (slug: string) => `/v1/kb/articles/${encodeURIComponent(slug)}`;
export const articleHref = (slug: string) => `#/kb/${encodeURIComponent(slug)}`;
/** The hash segment of the new-article page: "~" is in no slug the API or the importer makes. */
export const NEW_ARTICLE = '~new';

/** `canEdit`: the signed-in user is an admin (the API refuses knowledge-base changes to agents). */
export function KnowledgeList({ canEdit }: { canEdit: boolean }) {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [articles, setArticles] = useState<ArticleSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  // Searching as one types, a moment after the last key.
  useEffect(() => {
    const timer = setTimeout(() => setSearch(query.trim()), 250);
    return () => clearTimeout(timer);
  }, [query]);

  const load = (after?: string) =>
    api<{ articles: ArticleSummary[]; next: string | null }>('GET', `/v1/kb/articles${queryString({ search, limit: PAGE, after })}`)
      .then((page) => {
        setArticles((previous) => (after ? [...(previous ?? []), ...page.articles] : page.articles));
        setNext(page.next);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  useEffect(() => void load(), [search]);

  return (
    <section aria-labelledby="kb-title">
      <div class="row-between">
        <h1 id="kb-title">Knowledge base</h1>
        {canEdit && (
          <a class="button primary" href={`#/kb/${NEW_ARTICLE}`}>
            New article
          </a>
        )}
      </div>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), setSearch(query.trim()))}>
        <label>
          Search articles
          <input type="search" name="search" value={query} placeholder="Words customers would use" onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {articles === null ? (
        <p>Loading…</p>
      ) : articles.length === 0 ? (
        <p>{search ? `No article matches “${search}”.` : 'No articles yet.'}</p>
      ) : (
        <table class="list kb-list">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Tags</th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {articles.map((a) => (
              <tr key={a.slug}>
                <td>
                  <a href={articleHref(a.slug)}>{a.title}</a>
                  <div class="meta excerpt">{a.excerpt}</div>
                </td>
                <td>{a.tags.join(', ') || '—'}</td>
                <td>
                  <time dateTime={new Date(a.updatedAt).toISOString()}>{formatTime(a.updatedAt)}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <p>
          <button type="button" onClick={() => load(next)}>
            Show more
          </button>
        </p>
      )}
    </section>
  );
}

const splitTags = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

/** One article: `slug` null creates a new one; without `canEdit` (an agent) it is shown read-only. */
export function ArticleEditor({ slug, canEdit }: { slug: string | null; canEdit: boolean }) {
  const [saved, setSaved] = useState<KnowledgeArticle | null>(null);
  const [title, setTitle] = useState('');
  const [newSlug, setNewSlug] = useState('');
  const [tags, setTags] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [loading, setLoading] = useState(slug !== null);
  const confirmDelete = useRef<HTMLDialogElement>(null);

  const show = (article: KnowledgeArticle) => {
    setSaved(article);
    setTitle(article.title);
    setTags(article.tags.join(', '));
    setBody(article.body);
  };
  const load = () => {
    if (slug === null) return;
    setLoading(true);
    api<{ article: KnowledgeArticle }>('GET', articlePath(slug))
      .then(({ article }) => {
        show(article);
        setConflict(null);
        setError(null);
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setLoading(false));
  };
  useEffect(load, [slug]);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (slug === null) {
        const { article } = await api<{ article: KnowledgeArticle }>('POST', '/v1/kb/articles', {
          title,
          body,
          tags: splitTags(tags),
          ...(newSlug.trim() ? { slug: newSlug.trim() } : {}),
        });
        location.hash = articleHref(article.slug);
        return;
      }
      const { article } = await api<{ article: KnowledgeArticle }>('PUT', articlePath(slug), {
        title,
        body,
        tags: splitTags(tags),
        ifUpdatedAt: saved?.updatedAt,
      });
      show(article);
      setConflict(null);
      setNotice('Saved. Customers get answers from this version now.');
    } catch (e) {
      if (e instanceof ApiError && e.code === 'edit_conflict') setConflict(e.message);
      else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    confirmDelete.current?.close();
    if (slug === null) return;
    setBusy(true);
    try {
      await api('DELETE', articlePath(slug));
      location.hash = '#/kb';
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  if (loading) return <p>Loading…</p>;
  if (!canEdit && (slug === null || saved)) {
    return (
      <section aria-labelledby="article-title">
        <p>
          <a href="#/kb">← Knowledge base</a>
        </p>
        <h1 id="article-title">{saved ? saved.title : 'New article'}</h1>
        <p class="meta">Only an admin can create, edit or delete articles.</p>
        {saved && <div class="markdown md" dangerouslySetInnerHTML={{ __html: markdownToHtml(saved.body) }} />}
      </section>
    );
  }
  if (slug !== null && !saved) {
    return (
      <section>
        <p class="error" role="alert">
          {error ?? 'Article not found.'}
        </p>
        <a href="#/kb">Back to the knowledge base</a>
      </section>
    );
  }
  return (
    <section aria-labelledby="article-title">
      <p>
        <a href="#/kb">← Knowledge base</a>
      </p>
      <h1 id="article-title">{slug === null ? 'New article' : saved!.title}</h1>
      {saved && (
        <p class="meta">
          Slug <code>{saved.slug}</code> · last saved{' '}
          <time dateTime={new Date(saved.updatedAt).toISOString()} data-revision={saved.updatedAt}>
            {formatTime(saved.updatedAt)}
          </time>
        </p>
      )}
      <form class="article-form" onSubmit={save}>
        <div class="article-fields">
          <label>
            Title
            <input name="title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
          </label>
          {slug === null && (
            <label>
              Slug (optional, from the title otherwise)
              <input name="slug" pattern="[a-z0-9](?:[a-z0-9\-]{0,78}[a-z0-9])?" value={newSlug} onInput={(e) => setNewSlug(e.currentTarget.value)} />
            </label>
          )}
          <label>
            Tags (comma-separated)
            <input name="tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
          </label>
        </div>
        <div class="article-editor">
          <label>
            Body (Markdown)
            <textarea name="body" required rows={22} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          </label>
          <div class="article-preview" aria-label="Preview" role="region">
            <div class="preview-label">Preview</div>
            {/* The channels' own renderer (src/render): the text's own HTML is escaped, only http, https and mailto links. */}
            <div class="markdown md" dangerouslySetInnerHTML={{ __html: markdownToHtml(body) }} />
          </div>
        </div>
        {conflict && (
          <div class="error" role="alert">
            <p>{conflict}</p>
            <p>Your text is still in the editor: copy what you need, then load the saved version.</p>
            <button type="button" onClick={load}>
              Load the saved version
            </button>
          </div>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {notice && <p role="status">{notice}</p>}
        <div class="toolbar">
          <button type="submit" class="primary" disabled={busy}>
            {slug === null ? 'Create article' : 'Save'}
          </button>
          {slug !== null && (
            <button type="button" class="danger" disabled={busy} onClick={() => confirmDelete.current?.showModal()}>
              Delete…
            </button>
          )}
        </div>
      </form>
      <dialog ref={confirmDelete} aria-labelledby="confirm-delete-title">
        <h2 id="confirm-delete-title">Delete “{saved?.title}”?</h2>
        <p>Customers will no longer get answers from it. This cannot be undone.</p>
        <div class="toolbar">
          <button type="button" class="danger" onClick={remove}>
            Delete article
          </button>
          <button type="button" onClick={() => confirmDelete.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </section>
  );
}
