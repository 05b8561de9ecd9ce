/** `frontdesk eval` end to end through runEval, on small files written here. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heldOutSplit, scoreRoutes } from '../../src/cli/commands/eval.ts';
import { loadDeployment } from '../../config/deployment/index.ts';
import { BIKE_SHOP_DIR } from '../support/deployment.ts';
import { runEvalCaptured } from '../support/eval.ts';

const run = (args: string[]) => runEvalCaptured(args);

const dir = mkdtempSync(join(tmpdir(), 'fd-eval-'));
const rows = (pairs: [string, string][]) => pairs.map(([text, label]) => JSON.stringify({ text, label })).join('\n');
const trainPairs: [string, string][] = ['track my order', 'where is my parcel', 'has it shipped', 'when does my package come', 'order status'].flatMap(
  (t) => ['', 'hi ', 'please '].map((p): [string, string] => [p + t, 'orders']),
);
for (const t of ['refund please', 'i want my money back', 'refund my purchase', 'give me a refund', 'money back now']) {
  for (const p of ['', 'hi ', 'please ']) trainPairs.push([p + t, 'billing']);
}
writeFileSync(join(dir, 'train.jsonl'), rows(trainPairs));
writeFileSync(join(dir, 'test.csv'), 'text,label\nwhere is my order,orders\nI want a refund,billing\nwhat is the weather,oos\n');
writeFileSync(join(dir, 'articles.jsonl'), rows([]) + [
  JSON.stringify({ id: 'returns', question: 'How do I return an item?', answer: 'Send it back within 30 days for a refund.' }),
  JSON.stringify({ id: 'shipping', title: 'Shipping times', body: 'Parcels arrive in 3 to 5 working days.' }),
].join('\n'));
writeFileSync(join(dir, 'queries.jsonl'), rows([['can I send an item back', 'returns'], ['how long does shipping take', 'shipping']]));

describe('frontdesk eval routes', () => {
  it('trains, classifies and reports the JSON metrics', async () => {
    const { code, out } = await run(['routes', '--train', join(dir, 'train.jsonl'), '--test', join(dir, 'test.csv'), '--json']);
    expect(code).toBe(0);
    const r = JSON.parse(out);
    for (const key of ['accuracy', 'macro_f1', 'oos_recall', 'oos_precision', 'in_scope_accuracy', 'n', 'train_ms', 'classify_us']) {
      expect(r).toHaveProperty(key);
    }
    expect(r.n).toBe(3);
    expect(r.in_scope_accuracy).toBe(1);
  });
  it('prints a readable report by default', async () => {
    const { code, out } = await run(['routes', '--train', join(dir, 'train.jsonl'), '--test', join(dir, 'test.csv')]);
    expect(code).toBe(0);
    expect(out).toMatch(/accuracy/);
    expect(out).toMatch(/top confusions/);
  });
  it.each([
    [['routes', '--train', join(dir, 'train.jsonl')], /missing --test/],
    [['routes', '--learning-curve'], /--learning-curve needs --test/],
    [['routes', '--learning-curve', '--test', join(dir, 'test.csv'), '--draws', '0'], /--draws must be/],
    [['routes', '--test', join(dir, 'nope.jsonl')], /file not found/],
    [['routes', '--test', join(dir, 'train.jsonl'), '--bogus'], /Unknown option/],
    [['routes', '--test', join(dir, 'x.yaml')], /file not found|unknown format/],
    [['routes', '--test', join(dir, 'test.csv'), '--train', join(dir, 'train.jsonl'), '--cache-dir', dir], /--cache-dir applies to the deployment triage/],
    [['nothing'], /unknown eval target/],
    [[], /usage/],
  ])('bad input %j → one line and exit code 2', async (args, message) => {
    const { code, err } = await run(args as string[]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('scoreRoutes', () => {
  it('treats oos and unknown test labels as out-of-scope and computes the metrics', () => {
    const r = scoreRoutes(
      [
        { truth: 'a', predicted: 'a' },
        { truth: 'a', predicted: 'b' },
        { truth: 'b', predicted: 'b' },
        { truth: 'zzz', predicted: 'oos' },
        { truth: 'oos', predicted: 'a' },
      ],
      new Set(['a', 'b']),
    );
    expect(r.accuracy).toBeCloseTo(3 / 5);
    expect(r.in_scope_accuracy).toBeCloseTo(2 / 3);
    expect(r.oos_recall).toBeCloseTo(1 / 2);
    expect(r.oos_precision).toBe(1);
    expect(r.confusions[0]).toEqual({ truth: 'a', predicted: 'b', count: 1 });
    const a = r.labels.find((l) => l.label === 'a')!;
    expect(a.precision).toBeCloseTo(1 / 2);
    expect(a.recall).toBeCloseTo(1 / 2);
  });
});

describe('frontdesk eval kb', () => {
  it('loads the articles into a throwaway store and measures retrieval', async () => {
    const { code, out, err } = await run(['kb', '--articles', join(dir, 'articles.jsonl'), '--queries', join(dir, 'queries.jsonl'), '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r.n).toBe(2);
    expect(r.recall_at_3).toBe(1);
    expect(r.mrr).toBeGreaterThan(0.5);
  });
  it('needs both files', async () => {
    expect((await run(['kb', '--articles', join(dir, 'articles.jsonl')])).code).toBe(2);
  });
  it('measures passages too: the best passage\'s article, and its text against expectText', async () => {
    const kb = join(dir, 'kb');
    mkdirSync(kb, { recursive: true });
    writeFileSync(
      join(kb, 'warranty.md'),
      '---\ntitle: Warranty\n---\n**Faulty on arrival**\n\nTell us within 30 days of delivery.\n\n**1-year warranty**\n\nNorthwind products carry a 1-year warranty against defects.\n',
    );
    writeFileSync(join(kb, 'hours.md'), '---\ntitle: Opening hours\n---\nOur stores open every day from 10 am to 8 pm.\n');
    writeFileSync(
      join(dir, 'kb-queries.jsonl'),
      [
        { text: 'how long is the 1-year warranty against defects?', label: 'warranty', expectText: '1-year warranty' },
        { text: 'when do your stores open?', label: 'hours', expectText: 'Sunday' }, // right article, the fact is not there
        { text: 'opening hours', label: 'hours' },
      ].map((r) => JSON.stringify(r)).join('\n'),
    );
    const { code, out, err } = await run(['kb', '--articles', kb, '--queries', join(dir, 'kb-queries.jsonl'), '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(out);
    expect(r).toMatchObject({ n: 3, articles: 2, passage_recall_at_1: 1, passage_recall_at_3: 1, passage_text_checked: 2, passage_text_at_1: 0.5 });
    const text = await run(['kb', '--articles', kb, '--queries', join(dir, 'kb-queries.jsonl')]);
    expect(text.out).toContain('passages (by article): recall@1 100.00%');
    expect(text.out).toContain('best passage states the expected text 50.00% (2 queries)');
  });
  it('says which expectText is not a regular expression', async () => {
    writeFileSync(join(dir, 'bad-expect.jsonl'), JSON.stringify({ text: 'returns', label: 'returns', expectText: '(unclosed' }));
    const { code, err } = await run(['kb', '--articles', join(dir, 'articles.jsonl'), '--queries', join(dir, 'bad-expect.jsonl')]);
    expect(code).toBe(2);
    expect(err).toMatch(/bad-expect\.jsonl:1: "expectText" is not a valid regular expression/);
  });
});

describe('heldOutSplit (eval routes without --test)', () => {
  it('holds out a stratified fifth of the own examples with a fixed seed, never trained on', () => {
    const bikes = loadDeployment(BIKE_SHOP_DIR);
    const { training, test } = heldOutSplit(bikes);
    const own = Object.values(bikes.graph.triage.examples).flat();
    const kept = Object.values(training.graph.triage.examples).flat();
    expect(kept.length + test.length).toBe(own.length);
    expect(test.filter((e) => kept.includes(e.text))).toEqual([]);
    expect(test.length).toBeGreaterThan(own.length * 0.1);
    expect(test.length).toBeLessThan(own.length * 0.3);
    // Every label with enough examples is tested.
    const tested = new Set(test.map((e) => e.label));
    for (const [label, texts] of Object.entries(bikes.graph.triage.examples)) if (texts.length >= 5) expect(tested.has(label)).toBe(true);
    expect(heldOutSplit(bikes).test).toEqual(test);
  });
});
