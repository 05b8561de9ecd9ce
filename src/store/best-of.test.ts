import { describe, expect, it } from 'vitest';
import { bestOf } from './best-of.ts';

const higher = (a: number, b: number) => a > b;

describe('bestOf', () => {
  it('keeps the best few, best first', () => {
    expect(bestOf([3, 9, 1, 7, 5, 8], 3, higher)).toEqual([9, 8, 7]);
  });

  it('keeps the first of equals when the order says neither comes before', () => {
    const items = [{ k: 'a', v: 2 }, { k: 'b', v: 5 }, { k: 'c', v: 2 }, { k: 'd', v: 5 }];
    expect(bestOf(items, 3, (x, y) => x.v > y.v).map((x) => x.k)).toEqual(['b', 'd', 'a']);
  });

  it('returns all, sorted, when there are fewer than asked for, and none for a limit below one', () => {
    expect(bestOf([2, 4, 3], 10, higher)).toEqual([4, 3, 2]);
    expect(bestOf([2, 4, 3], 0, higher)).toEqual([]);
  });
});
