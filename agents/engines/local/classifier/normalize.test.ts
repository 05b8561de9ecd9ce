import { describe, expect, it } from 'vitest';
import { normalizeText, tokenize } from './normalize.ts';

describe('normalizeText', () => {
  it('lowercases, strips accents and collapses letter runs', () => {
    expect(normalizeText('Café CRÈME pleeeease!!!')).toBe('cafe creme pleease');
  });
  it('expands SMS shorthand word by word only', () => {
    expect(normalizeText('pls u check ur ord thx')).toBe('please you check your order thanks');
    expect(normalizeText('my acct pw')).toBe('my account password');
    // "u" inside a word is untouched
    expect(normalizeText('unusual')).toBe('unusual');
  });
  it('replaces numbers, urls and e-mail addresses by placeholders', () => {
    expect(tokenize('order #12345 see https://x.io/a?b=1 or mail a.b@c.com')).toEqual([
      'order', '0', 'see', 'xurlx', 'or', 'mail', 'xemailx',
    ]);
  });
  it("drops apostrophes so can't and cant agree", () => {
    expect(normalizeText("I can't login")).toBe(normalizeText('i cant login'));
  });
  it('returns nothing for blank input', () => {
    expect(tokenize('  ... ')).toEqual([]);
  });
});
