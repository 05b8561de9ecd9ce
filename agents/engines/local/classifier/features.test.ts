import { describe, expect, it } from 'vitest';
import { countTerms, fitVocabulary, hashString, HASH_SIZE, weigh } from './features.ts';

describe('features', () => {
  it('hashes deterministically into the fixed space, namespaced by seed', () => {
    expect(hashString('order', 1)).toBe(hashString('order', 1));
    expect(hashString('order', 1)).not.toBe(hashString('order', 2));
    expect(hashString('order', 1)).toBeLessThan(HASH_SIZE);
  });
  it('counts word uni/bigrams, stems and char 3–5-grams within words', () => {
    const c = countTerms('ab');
    // words: "ab", "^ ab", "ab $", the stem "ab"; chars of " ab ": 2 trigrams, 1 four-gram
    expect([...c.words.values()].reduce((a, b) => a + b, 0)).toBe(4);
    expect([...c.chars.values()].reduce((a, b) => a + b, 0)).toBe(3);
  });
  it('weighs with tf-idf and L2-normalises each view (unit length overall)', () => {
    const docs = ['cancel my order', 'track my order', 'reset my password'].map(countTerms);
    const vocab = fitVocabulary(docs);
    const x = weigh(countTerms('cancel my order order'), vocab.column, vocab.idf);
    const norm = Math.sqrt(x.value.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 5);
    // a word present in every document weighs less than a rare one
    const my = vocab.column[hashString('my', 0x1f)]!;
    const cancel = vocab.column[hashString('cancel', 0x1f)]!;
    expect(vocab.idf[my]!).toBeLessThan(vocab.idf[cancel]!);
  });
  it('drops buckets never seen in training', () => {
    const vocab = fitVocabulary([countTerms('hello')]);
    expect(weigh(countTerms('zzzz qqqq'), vocab.column, vocab.idf).index.length).toBe(0);
  });
});
