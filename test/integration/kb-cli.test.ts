/** `frontdesk kb import|list|export|delete` end to end through the CLI entry, on a SQLite file. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { parseArticleFile } from '../../src/core/knowledge.ts';
import { captureOutput } from '../support/capture.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-kb-cli-'));
const env = { SQLITE_PATH: join(dir, 'kb.sqlite'), LOG_LEVEL: 'silent' };

async function kb(...args: string[]) {
  return captureOutput((io) => run(['kb', ...args], { ...io, env }));
}
const listed = async () => JSON.parse((await kb('list', '--json')).out) as { slug: string; title: string; tags: string[]; updatedAt: number }[];

const source = join(dir, 'source');
mkdirSync(source);
writeFileSync(join(source, 'returns.md'), '---\ntitle: "Returns: the short version"\ntags:\n  - refund\n  - send back\n---\nSend items back within **30 days**.\n');
writeFileSync(join(source, 'shipping.md'), '---\ntitle: Shipping\ntags: [delivery, "3-5 days"]\n---\nParcels arrive in 3 to 5 working days.\n');
writeFileSync(join(source, 'faq.jsonl'), `${JSON.stringify({ id: 'faq/gift cards', question: 'Do gift cards expire?', answer: 'No, never.', tags: ['gift'] })}\n`);

describe('frontdesk kb', () => {
  it('imports, reporting what it created, then what it replaced', async () => {
    const first = await kb('import', source);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/Imported 3 articles: 3 created, 0 replaced/);
    expect(first.out).toMatch(/Created: faq\/gift cards, returns, shipping/);
    writeFileSync(join(source, 'shipping.md'), '---\ntitle: Shipping times\n---\nParcels arrive in 2 working days.\n');
    const again = await kb('import', join(source, 'shipping.md'));
    expect(again.out).toMatch(/Imported 1 article: 0 created, 1 replaced/);
    expect(again.out).toMatch(/Replaced: shipping\n/);
    expect(again.out).toMatch(/now holds 3 articles/);
  });

  it('lists as a table and as JSON, with YAML list tags as tags', async () => {
    const table = await kb('list');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^SLUG +UPDATED \(UTC\) +TITLE\n/);
    expect(table.out).toMatch(/returns +\d{4}-\d\d-\d\d \d\d:\d\d +Returns: the short version +\[refund, send back\]/);
    const rows = await listed();
    expect(rows.map((r) => r.slug)).toEqual(['faq/gift cards', 'returns', 'shipping']);
    expect(rows[1]!.tags).toEqual(['refund', 'send back']);
  });

  it('exports Markdown that imports back unchanged', async () => {
    const out = join(dir, 'export');
    const exported = await kb('export', out);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(/Exported 3 articles/);
    expect(readdirSync(out).sort()).toEqual(['faq-gift-cards.md', 'returns.md', 'shipping.md']);
    expect(readFileSync(join(out, 'returns.md'), 'utf8')).toMatch(/^---\ntitle: "Returns: the short version"\nslug: returns\ntags:\n  - refund\n  - send back\n---\n/);
    const before = await listed();
    // The slug that is no file name survives in the front matter.
    expect(parseArticleFile('faq-gift-cards.md', readFileSync(join(out, 'faq-gift-cards.md'), 'utf8'))[0]!.slug).toBe('faq/gift cards');

    // Into a fresh database: the same articles.
    const freshEnv = { ...env, SQLITE_PATH: join(dir, 'fresh.sqlite') };
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), env: freshEnv };
    expect(await run(['kb', 'import', out], io)).toBe(0);
    let json = '';
    const stdout = new PassThrough();
    stdout.on('data', (d) => (json += d));
    await run(['kb', 'list', '--json'], { stdout, stderr: new PassThrough(), env: freshEnv });
    const strip = (rows: { slug: string; title: string; tags: string[] }[]) => rows.map(({ slug, title, tags }) => ({ slug, title, tags }));
    expect(strip(JSON.parse(json))).toEqual(strip(before));

    // A second export to the same directory needs --force.
    const refused = await kb('export', out);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/not empty/);
    expect((await kb('export', out, '--force')).code).toBe(0);
  });

  it('deletes all the slugs given, or none when one is missing', async () => {
    const refused = await kb('delete', 'returns', 'nope');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/no article with slug "nope"; nothing was deleted/);
    expect((await listed()).map((r) => r.slug)).toContain('returns');
    const done = await kb('delete', 'returns', 'faq/gift cards');
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/Deleted 2 articles: returns, faq\/gift cards/);
    expect((await listed()).map((r) => r.slug)).toEqual(['shipping']);
  });

  it('refuses a malformed file or two articles with one slug, and imports nothing', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'a-good.md'), '---\ntitle: Good\n---\nA good article.\n');
    writeFileSync(join(bad, 'b-broken.md'), '---\ntitle: Broken\ntags: [unclosed\n---\nBody.\n');
    const broken = await kb('import', bad);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/^frontdesk kb: b-broken\.md:\d+: the front matter is not valid YAML: /);
    writeFileSync(join(bad, 'b-broken.md'), '---\ntitle: Also good\nslug: a-good\n---\nSame slug.\n');
    const twice = await kb('import', bad);
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/slug "a-good" is also given by a-good\.md/);
    expect((await listed()).map((r) => r.slug)).toEqual(['shipping']);
  });

  it.each([[[]], [['nothing']], [['delete']], [['export']], [['list', '--bogus']]])('bad usage %j → one line and exit code 2', async (args) => {
    const { code, err } = await kb(...(args as string[]));
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});
