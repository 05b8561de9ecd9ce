import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { articleToMarkdown, parseArticleFile, parseMarkdownArticle } from './knowledge.ts';

describe('knowledge article files', () => {
  it('reads Markdown with front matter, or a heading as the title', () => {
    const [a] = parseArticleFile('returns-policy.md', '---\ntitle: Returns\ntags: refund, send back\n---\nReturn within 30 days.\n');
    expect(a).toEqual({ slug: 'returns-policy', title: 'Returns', body: 'Return within 30 days.', tags: ['refund', 'send back'] });
    const [b] = parseArticleFile('Gift Cards.md', '\uFEFF# Gift cards\r\n\r\nThey never expire.');
    expect(b).toMatchObject({ slug: 'gift-cards', title: 'Gift cards', body: 'They never expire.', tags: [] });
  });

  it('reads JSON arrays and JSONL with question/answer fields', () => {
    const rows = parseArticleFile('faq.jsonl', '{"id":"faq-1","question":"Q1?","answer":"A1"}\n\n{"title":"Q2","body":"A2","tags":["x"]}\n');
    expect(rows.map((r) => [r.slug, r.title, r.body])).toEqual([['faq-1', 'Q1?', 'A1'], ['q2', 'Q2', 'A2']]);
    expect(parseArticleFile('one.json', '[{"title":"T","body":"B"}]')).toHaveLength(1);
  });

  it('names the file and line of what is wrong', () => {
    expect(() => parseArticleFile('x.md', 'no title here')).toThrow(/x\.md: no title/);
    expect(() => parseArticleFile('x.jsonl', '{"title":"T","body":"B"}\n{oops')).toThrow(/x\.jsonl:2: not valid JSON/);
    expect(() => parseArticleFile('x.json', '[{"title":"T"}]')).toThrow(InvalidInputError);
    expect(() => parseArticleFile('x.txt', 'hello')).toThrow(/unsupported file type/);
  });

  it('reads YAML front matter: block and flow lists, quoted titles with colons, a slug', () => {
    const block = parseArticleFile('a.md', '---\ntitle: Returns\ntags:\n  - refund\n  - send back\n---\nBody.\n');
    expect(block[0]!.tags).toEqual(['refund', 'send back']);
    const flow = parseArticleFile('b.md', '---\ntitle: Returns\ntags: [refund, "send back", 30 days]\n---\nBody.\n');
    expect(flow[0]!.tags).toEqual(['refund', 'send back', '30 days']);
    const quoted = parseArticleFile('c.md', '---\ntitle: "Returns: what you need to know"\nslug: returns-guide\n---\nBody.\n');
    expect(quoted[0]).toMatchObject({ slug: 'returns-guide', title: 'Returns: what you need to know', tags: [] });
    const single = parseArticleFile('d.md', "---\ntitle: 'It''s easy'\n---\nBody with --- inside.\n---\nMore.");
    expect(single[0]).toMatchObject({ title: "It's easy", body: 'Body with --- inside.\n---\nMore.' });
    // An empty front matter falls back to the heading.
    expect(parseArticleFile('e.md', '---\n---\n# Heading title\n\nBody.')[0]).toMatchObject({ title: 'Heading title', body: 'Body.' });
  });

  it('names the file and the line of a malformed front matter', () => {
    expect(() => parseArticleFile('bad.md', '---\ntitle: Returns\ntags: [refund, send back\n---\nBody.')).toThrow(/^bad\.md:\d+: the front matter is not valid YAML: /);
    expect(() => parseArticleFile('bad.md', '---\ntitle: ok\ntitle: twice\n---\nBody.')).toThrow(/^bad\.md:3: the front matter is not valid YAML: .*unique/i);
    expect(() => parseArticleFile('bad.md', '---\ntitle: a: b\n---\nBody.')).toThrow(/^bad\.md:2: the front matter is not valid YAML/);
    expect(() => parseArticleFile('open.md', '---\ntitle: never closed\nBody.')).toThrow(/^open\.md:1: .*never closed/);
    expect(() => parseArticleFile('list.md', '---\n- a\n- b\n---\nBody.')).toThrow(/list\.md: the front matter must be YAML keys/);
    expect(() => parseArticleFile('nested.md', '---\ntitle:\n  en: Returns\n---\nBody.')).toThrow(/nested\.md: front matter "title" must be text/);
  });

  it('writes an article that reads back unchanged, whatever its title, slug and tags hold', () => {
    const article = { slug: 'faq/returns: 2', title: '"Returns": 30 days # no comment', body: '---\nA rule, then text.\n\n# Not a title', tags: ['refund', 'yes', '30', 'send back'] };
    const text = articleToMarkdown(article);
    expect(text).toMatch(/^---\ntitle: /);
    expect(parseMarkdownArticle('other-name.md', text)).toEqual(article);
  });
});
