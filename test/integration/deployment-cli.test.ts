/**
 * `frontdesk init` and `frontdesk doctor` on deployment directories, and what a deployment that
 * is not the demo finds in its PostgreSQL database: its own articles, never a demo row.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDeployment } from '../../config/deployment/index.ts';
import { run as runCli } from '../../src/cli/main.ts';
import { BIKE_SHOP_DIR } from '../support/deployment.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { createTestDatabase, postgresUnavailable } from '../support/postgres.ts';
import { describeWithService } from '../support/services.ts';
import { captureOutput } from '../support/capture.ts';

const work = mkdtempSync(join(tmpdir(), 'fd-deploy-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], env: Record<string, string> = {}) {
  return captureOutput((io) => runCli(args, { ...io, env: { SQLITE_PATH: join(work, 'cli.db'), LOG_LEVEL: 'silent', ...env } }));
}

describe('frontdesk init', () => {
  it('scaffolds a commented copy of the demo that loads as a deployment of its own', async () => {
    const dir = join(work, 'my-shop');
    const { code, out } = await run(['init', dir]);
    expect(code).toBe(0);
    expect(out).toContain(`Created a deployment in ${dir}`);
    expect(out).toContain(`  export FRONTDESK_DEPLOYMENT=${dir} SQLITE_PATH=./data/my-shop.db\n`);
    for (const part of ['deployment.yaml', 'agents.yaml', 'kb/how-to-return.md', 'training/examples.jsonl']) expect(existsSync(join(dir, part))).toBe(true);
    // The demo's TypeScript (its orders, its sample messages) stays behind.
    expect(existsSync(join(dir, 'orders.ts'))).toBe(false);
    expect(readFileSync(join(dir, 'deployment.yaml'), 'utf8')).toMatch(/^# deployment\.yaml: who this deployment is/);
    expect(readFileSync(join(dir, 'agents.yaml'), 'utf8')).toMatch(/# The specialists\. Each serves one route/);
    const copy = loadDeployment(dir);
    expect(copy.isDemo).toBe(false);
    expect(copy.graph).toEqual(loadDeployment().graph);
  });

  it('refuses a non-empty directory and leaves it as it was', async () => {
    const dir = join(work, 'taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const { code, err } = await run(['init', dir]);
    expect(code).toBe(2);
    expect(err).toBe(`frontdesk init: ${dir}: not empty; init writes only into a new or empty directory\n`);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(dir, 'agents.yaml'))).toBe(false);
    expect((await run(['init'])).err).toBe('frontdesk init: usage: frontdesk init DIR [--from demo]\n');
    expect((await run(['init', join(work, 'x'), '--from', 'bakery'])).err).toMatch(/--from bakery: unknown template \(available: demo\)/);
  });
});

describe('frontdesk doctor on a deployment', () => {
  it('counts articles and examples per route', async () => {
    const { code, out } = await run(['doctor'], { FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR });
    expect(code).toBe(0);
    expect(out).toContain(`Deployment: ${BIKE_SHOP_DIR} (Spoke & Chain Cycles): valid`);
    expect(out).toContain('  8 knowledge articles, 79 own examples (weight 4), 0 base examples, languages en');
    expect(out).toContain('  route repairs: agent workshop (knowledge), 2 intents, 17 own + 0 base examples');
    expect(out).toContain('Channel email: off (not in channels of deployment.yaml)');
    expect(out).toMatch(/Orders: warning: only the demo deployment has demo orders/);
    expect(out).toContain('Custom actions: check_warranty, book_repair (approval) (off: they run on the model engine; set OPENAI_API_KEY)');
    expect(out).toContain('Workers build: would start (web channel, embedded engine, SQLite in a Durable Object)');
  });

  it('warns about files in kb/ that are not read, and still passes', async () => {
    const dir = join(work, 'stray-files');
    cpSync(BIKE_SHOP_DIR, dir, { recursive: true });
    writeFileSync(join(dir, 'kb', 'opening-hours.json'), '{"title": "Opening hours", "body": "9 to 5"}');
    writeFileSync(join(dir, 'kb', '.DS_Store'), '');
    const { code, out } = await run(['doctor'], { FRONTDESK_DEPLOYMENT: dir });
    expect(code).toBe(0);
    expect(out).toContain('  8 knowledge articles,');
    expect(out.match(/warning: kb\/.*/g)).toEqual(['warning: kb/opening-hours.json is not read: articles are Markdown files (.md) with front matter']);
  });

  it('warns when the database is one the demo filled, and names a database of its own', async () => {
    const db = join(work, 'tried-the-demo-first.db');
    expect((await run(['migrate'], { SQLITE_PATH: db })).code).toBe(0);
    const { code, out } = await run(['doctor'], { FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR, SQLITE_PATH: db });
    expect(code).toBe(0);
    expect(out).toContain(`Database: warning: this database (SQLITE_PATH=${db}) holds the demo store's orders and articles, seeded when the demo ran on it; give this deployment its own, e.g. SQLITE_PATH=./data/bike-shop.db\n`);
    expect((await run(['doctor'], { FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR, SQLITE_PATH: join(work, 'its-own.db') })).out).not.toContain('Database: warning');
  });

  it('names the provider channels the Workers build would run', async () => {
    const { out } = await run(['doctor'], { TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000', TWILIO_AUTH_TOKEN: 'token', TWILIO_PHONE_NUMBER: '+15550100199' });
    expect(out).toContain('Workers build: would start (web, SMS channels, embedded engine, SQLite in a Durable Object)');
  });

  it('lists every problem with its file and line, and fails', async () => {
    const dir = join(work, 'broken');
    cpSync(BIKE_SHOP_DIR, dir, { recursive: true });
    const agents = readFileSync(join(dir, 'agents.yaml'), 'utf8').replace('    shop_info: faq', '    shop_info: questions');
    writeFileSync(join(dir, 'agents.yaml'), agents);
    const line = agents.split('\n').findIndex((l) => l.includes('shop_info: questions')) + 1;
    const { code, out } = await run(['doctor'], { FRONTDESK_DEPLOYMENT: dir });
    expect(code).toBe(1);
    expect(out).toContain(`Deployment: ${dir} FAILED\n  agents.yaml:${line}: triage.intents.shop_info: intent shop_info routes to questions, which no agent serves`);
    // The serve command refuses to start on it with the same words.
    const serve = await run(['serve'], { FRONTDESK_DEPLOYMENT: dir });
    expect(serve.code).toBe(2);
    expect(serve.err).toContain(`agents.yaml:${line}: triage.intents.shop_info`);
  });
});

const reason = await postgresUnavailable();
describeWithService('PostgreSQL', reason)('a deployment other than the demo on PostgreSQL', () => {
  it('imports its own articles by slug, idempotently, and never seeds a demo row', async () => {
    const db = await createTestDatabase();
    try {
      const env = { DATABASE_URL: db.url, FRONTDESK_DEPLOYMENT: BIKE_SHOP_DIR };
      const first = await createTestFrontdesk({ env });
      const slugs = first.deployment.articles.map((a) => a.slug).sort();
      expect((await first.store.repo.listArticles()).map((a) => a.slug).sort()).toEqual(slugs);
      // Staff edit an article; a restart must not put the file's text back over it.
      const edited = (await first.store.repo.listArticles()).find((a) => a.slug === 'warranty')!;
      await first.store.repo.upsertArticle({ ...edited, body: 'Edited by staff: 7-year frame warranty.', now: Date.now() });
      await first.stop();

      const again = await createTestFrontdesk({ env });
      await again.stop();
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const demoArticles = loadDeployment().articles.map((a) => a.slug).filter((s) => !slugs.includes(s));
        const rows = await client.query<{ slug: string; body: string }>('select slug, body from kb_articles order by slug');
        expect(rows.rows.map((r) => r.slug)).toEqual(slugs);
        expect(rows.rows.some((r) => demoArticles.includes(r.slug))).toBe(false);
        expect(rows.rows.find((r) => r.slug === 'warranty')!.body).toBe('Edited by staff: 7-year frame warranty.');
        expect((await client.query('select count(*)::int as n from orders')).rows[0].n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      await db.drop();
    }
  });
});
