import { describe, expect, it } from 'vitest';
import { countTerms, hashString } from './features.ts';
import { stem } from './stem.ts';

describe('stem', () => {
  it('brings the inflections and -ation/-ment nouns of one verb together', () => {
    for (const w of ['cancel', 'cancels', 'cancelling', 'cancelled', 'cancellation', 'cancellations']) expect(stem(w), w).toBe('cancel');
    for (const w of ['modify', 'modified', 'modifying', 'modification']) expect(stem(w), w).toBe('modify');
    for (const w of ['ship', 'shipping', 'shipped', 'shipment']) expect(stem(w), w).toBe('ship');
    expect(stem('orders')).toBe(stem('order'));
    expect(stem('purchasing')).toBe(stem('purchase'));
  });

  it('leaves short words and -ss/-us endings alone', () => {
    expect(stem('fees')).toBe('fees');
    expect(stem('address')).toBe(stem('addresses'));
    expect(stem('status')).toBe('status');
  });

  it('gives other word forms of one need a shared word feature', () => {
    const shared = (a: string, b: string) => [...countTerms(a).words.keys()].filter((k) => countTerms(b).words.has(k));
    expect(shared('order cancellations', 'cancel an order')).toContain(hashString('cancel', 0x47));
  });
});
