import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { parseArticleFile } from './knowledge.ts';

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
});
