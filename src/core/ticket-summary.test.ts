import { describe, expect, it } from 'vitest';
import { caseName, keySentence, summarizeNeed } from './ticket-summary.ts';

describe('ticket summaries', () => {
  it('name the case, the order and the sentence that says what is wrong, not a greeting', () => {
    expect(
      summarizeNeed({ category: 'damaged_item', orderId: 'NW-10003', customerTexts: ['Hi there!', 'Hello. The Alpine jacket arrived with a torn zipper. Thanks!'] }),
    ).toBe('Damaged item (order NW-10003): The Alpine jacket arrived with a torn zipper.');
  });

  it('reach back past "a human please" to the problem the customer described earlier', () => {
    expect(summarizeNeed({ category: 'human_requested', customerTexts: ['Can I talk to a real person please?', 'I was charged twice for my last order'] })).toBe(
      'Human requested: I was charged twice for my last order',
    );
  });

  it('are the case alone when the customer said nothing but hello', () => {
    expect(summarizeNeed({ category: 'unrouted', customerTexts: ['hi', 'hello?'] })).toBe('Unrouted');
    expect(keySentence(['thanks!'])).toBeNull();
  });

  it('prefer the newer sentence on a tie and cut a long one', () => {
    expect(keySentence(['parcel missing today', 'refund still pending'])).toBe('parcel missing today');
    expect(keySentence([`broken ${'zipper '.repeat(60)}`])!.length).toBe(160);
    expect(caseName('other_language:fr')).toBe('Other language');
  });
});
