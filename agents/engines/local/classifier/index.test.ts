import { describe, expect, it } from 'vitest';
import { loadClassifier, stratifiedSplit, trainClassifier, type Example } from './index.ts';

const templates: Record<string, string[]> = {
  track: ['where is my package', 'track my order', 'has my parcel shipped', 'when will my delivery arrive', 'where is my stuff'],
  refund: ['i want my money back', 'refund please', 'how do i get a refund', 'give me a refund for this', 'money back for broken item'],
  password: ['i forgot my password', 'reset my password', 'cannot log in password wrong', 'change my password', 'password reset link'],
};
const prefixes = ['', 'hi, ', 'hello ', 'please ', 'hey there, ', 'excuse me, '];
const examples: Example[] = Object.entries(templates).flatMap(([label, texts]) =>
  texts.flatMap((t) => prefixes.map((p) => ({ text: `${p}${t}`, label }))),
);

describe('trainClassifier', () => {
  const clf = trainClassifier(examples, { seed: 7 });

  it('learns a tiny separable set, with variants it never saw', () => {
    expect(clf.labels).toEqual(['password', 'refund', 'track']);
    expect(clf.predict('where is my order').label).toBe('track');
    expect(clf.predict('I need a REFUND pls').label).toBe('refund');
    expect(clf.predict('forgot pwd').label).toBe('password');
  });

  it('returns calibrated probabilities: top-5 scores sorted, summing to at most 1', () => {
    const p = clf.predict('reset my password');
    expect(p.scores.length).toBe(3);
    expect(p.scores[0]!.label).toBe(p.label);
    expect(p.confidence).toBe(p.scores[0]!.p);
    for (let i = 1; i < p.scores.length; i++) expect(p.scores[i]!.p).toBeLessThanOrEqual(p.scores[i - 1]!.p);
    expect(p.scores.reduce((s, x) => s + x.p, 0)).toBeCloseTo(1, 5);
  });

  it('is deterministic for a seed', () => {
    const again = trainClassifier(examples, { seed: 7 });
    expect(again.predict('where is it').scores).toEqual(clf.predict('where is it').scores);
  });

  it('predicts the same after a JSON round trip', () => {
    const copy = loadClassifier(JSON.parse(JSON.stringify(clf.toJSON())));
    for (const text of ['track my order', 'refund', 'nonsense words', '']) {
      expect(copy.predict(text)).toEqual(clf.predict(text));
    }
  });

  it('rejects foreign or broken models', () => {
    expect(() => loadClassifier({ format: 'other' })).toThrow(/not a Frontdesk/);
    const json = clf.toJSON() as Record<string, unknown>;
    expect(() => loadClassifier({ ...json, labels: ['a'] })).toThrow(/do not match/);
  });

  it('throws on an empty training set', () => {
    expect(() => trainClassifier([])).toThrow(/no training examples/);
  });

  it('learns a rejection threshold from out-of-scope validation rows', () => {
    const oos = ['what is the weather', 'tell me a joke', 'who won the game', 'play some music', 'what time is it in tokyo', 'recipe for pasta'];
    // In-scope validation rows in new wording (some near other labels), so the calibration is not
    // fitted on rows the models find trivially easy.
    const validation: Example[] = [
      ...oos.map((text) => ({ text, label: 'oos' })),
      { text: 'where is my refund', label: 'refund' },
      { text: 'money back for a late delivery', label: 'refund' },
      { text: 'my password reset email never arrived', label: 'password' },
      { text: 'i cannot log in', label: 'password' },
      { text: 'my parcel has not arrived yet', label: 'track' },
      { text: 'track the package please', label: 'track' },
    ];
    const withVal = trainClassifier(examples, { seed: 7, validation });
    const json = withVal.toJSON() as { threshold: number };
    expect(json.threshold).toBeGreaterThan(0);
    // Whatever falls below the learned threshold is rejected, with the confidence that it is out of scope.
    for (const text of [...oos, 'what time is it in paris', 'play some music please', 'track my order']) {
      const p = withVal.predict(text);
      const best = p.scores[0]!;
      if (best.p < json.threshold) expect(p).toMatchObject({ label: 'oos', confidence: 1 - best.p });
      else expect(p).toMatchObject({ label: best.label, confidence: best.p });
    }
    expect(oos.filter((text) => withVal.predict(text).label === 'oos').length).toBeGreaterThanOrEqual(oos.length / 2);
    for (const label of Object.keys(templates)) expect(withVal.predict(templates[label]![1]!).label).toBe(label);
    // no out-of-scope validation rows: nothing to learn, nothing rejected
    expect((clf.toJSON() as { threshold: number }).threshold).toBe(0);
  });

  it('reports progress up to completion', () => {
    const seen: [number, number][] = [];
    trainClassifier(examples, { seed: 1, epochs: 4, onProgress: (d, t) => seen.push([d, t]) });
    const last = seen.at(-1)!;
    expect(last[0]).toBe(last[1]);
  });
});

describe('stratifiedSplit', () => {
  it('holds back a share of every label, none of labels with fewer than 5 rows', () => {
    const rows = [...examples, { text: 'rare', label: 'rare' }];
    const [train, val] = stratifiedSplit(rows, 0.2, 1);
    expect(train.length + val.length).toBe(rows.length);
    expect(new Set(val.map((e) => e.label))).toEqual(new Set(['track', 'refund', 'password']));
    expect(train.some((e) => e.label === 'rare')).toBe(true);
  });
});

describe('stratifiedSplit with weighted rows', () => {
  it('holds back rows of every weight of a label', () => {
    const rows: Example[] = [
      ...Array.from({ length: 50 }, (_, i) => ({ text: `shipped ${i}`, label: 'a' })),
      ...Array.from({ length: 10 }, (_, i) => ({ text: `written ${i}`, label: 'a', weight: 4 })),
    ];
    const [train, val] = stratifiedSplit(rows, 0.1, 1);
    expect(val.filter((e) => e.weight === 4)).toHaveLength(1);
    expect(val.filter((e) => e.weight === undefined)).toHaveLength(5);
    expect(train).toHaveLength(54);
  });
});
