import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTrainingSet, toJsonl } from './build-training-set.ts';
import { parseJsonl } from './datasets.ts';
import { loadTriageModel, triageModelFile } from './triage-model.ts';

const examples = ['track my order', 'where is my parcel', 'refund please', 'i want my money back'].flatMap((t, i) =>
  ['', 'hi ', 'please '].map((p) => ({ text: p + t, label: i < 2 ? 'track' : 'refund' })),
);

describe('loadTriageModel', () => {
  it('caches the model by content hash and loads it back with the same predictions', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-triage-'));
    const first = await loadTriageModel({ examples, cacheDir: dir });
    const file = triageModelFile(dir, examples);
    expect(file).toMatch(/triage-model-default-[0-9a-f]{64}\.json$/);
    expect(existsSync(file)).toBe(true);
    const second = await loadTriageModel({ examples, cacheDir: dir });
    expect(second.predict('where is my order')).toEqual(first.predict('where is my order'));
    // different examples → a different file
    await loadTriageModel({ examples: examples.slice(1), cacheDir: dir });
    expect(readdirSync(dir).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });
  it('keeps one model per deployment: another deployment never loads a model it did not train', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-triage-'));
    await loadTriageModel({ examples, cacheDir: dir, deployment: 'demo' });
    const bikes = examples.map((e) => ({ ...e, label: e.label === 'track' ? 'order_status' : 'repairs' }));
    const other = await loadTriageModel({ examples: bikes, cacheDir: dir, deployment: 'bike-shop' });
    expect(other.labels).toEqual(['order_status', 'repairs']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort()).toEqual([
      triageModelFile(dir, bikes, 'bike-shop').split('/').pop(),
      triageModelFile(dir, examples, 'demo').split('/').pop(),
    ]);
  });
  it('keys the model by its priors too: a changed route description, article or general row retrains', () => {
    const priors = {
      routes: [{ label: 'track', description: 'Parcels and delivery' }],
      articles: [{ title: 'Delivery times', body: '## Couriers', tags: ['delivery'] }],
      general: [{ text: 'where is my package', label: 'track_order' }],
      weight: 4,
    };
    const file = (p: typeof priors | null) => triageModelFile('/cache', examples, 'shop', p);
    const variants = [
      null,
      priors,
      { ...priors, routes: [{ label: 'track', description: 'Parcels, delivery and pick-up' }] },
      { ...priors, articles: [{ ...priors.articles[0]!, tags: ['delivery', 'courier'] }] },
      { ...priors, articles: [{ ...priors.articles[0]!, body: '## Couriers and lockers' }] },
      { ...priors, general: [{ text: 'where is my package', label: 'delivery_period' }] },
      { ...priors, weight: 2 },
    ];
    expect(new Set(variants.map(file)).size).toBe(variants.length);
    expect(file({ ...priors })).toBe(file(priors));
  });
  it('retrains over a corrupt cache file, and writes nothing without a cache dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fd-triage-'));
    writeFileSync(triageModelFile(dir, examples), '{broken');
    expect((await loadTriageModel({ examples, cacheDir: dir })).predict('refund').label).toBe('refund');
    expect((await loadTriageModel({ examples, cacheDir: null })).labels).toEqual(['refund', 'track']);
  });
});

describe('buildTrainingSet', () => {
  it('keeps intents as labels, de-duplicates, caps per intent, deterministically', () => {
    const csv =
      '\ufeffflags,utterance,category,intent\n' +
      ['a', 'b', 'c', 'd', 'a'].map((t) => `B,"cancel ${t}, now",ORDER,cancel_order`).join('\n') +
      '\nB,where is it,ORDER,track_order\n';
    const rows = buildTrainingSet([csv], 3, 1);
    expect(rows.filter((r) => r.label === 'cancel_order')).toHaveLength(3);
    expect(rows.filter((r) => r.label === 'track_order')).toEqual([{ text: 'where is it', label: 'track_order' }]);
    expect(buildTrainingSet([csv], 3, 1)).toEqual(rows);
    expect(parseJsonl(toJsonl(rows))).toEqual(rows);
  });
  it('rejects a CSV that is not Bitext', () => {
    expect(() => buildTrainingSet(['text,label\na,b\n'])).toThrow(/Bitext/);
  });

  it('adds the responses file\'s questions to the utterances, de-duplicated, within the cap', () => {
    const utterances = '\ufeffflags,utterance,category,intent\nB,cancel my order,ORDER,cancel_order\n';
    const responses = 'instruction,intent,category,response\ncancel my order,cancel_order,ORDER,Sure\nhelp me call off purchase 123,cancel_order,ORDER,Sure\n';
    const rows = buildTrainingSet([utterances, responses], 5, 1);
    expect(rows.map((r) => r.text).sort()).toEqual(['cancel my order', 'help me call off purchase 123']);
    expect(buildTrainingSet([utterances, responses], 1, 1)).toHaveLength(1);
  });
});
