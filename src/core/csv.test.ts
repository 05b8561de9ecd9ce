import { describe, expect, it } from 'vitest';
import { csvField, csvRow } from './csv.ts';

describe('csv', () => {
  it('quotes what needs quoting and leaves the rest', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 42, null])).toBe('plain,"a,b","say ""hi""","two\nlines",42,\r\n');
  });

  it('keeps a customer text from becoming a spreadsheet formula', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    for (const lead of ['+', '-', '@', '\t']) expect(csvField(`${lead}1`)).toBe(lead === '\t' ? `'\t1` : `'${lead}1`);
    expect(csvField(-3)).toBe('-3'); // numbers are numbers
  });
});

describe('csvField', () => {
  it('quotes separators, quotes and line breaks, and leaves plain text alone', () => {
    expect(csvField('plain text')).toBe('plain text');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('one\ntwo')).toBe('"one\ntwo"');
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('');
  });

  it('puts an apostrophe before text a spreadsheet would run as a formula', () => {
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvField(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(csvField('\r1')).toBe(`"'\r1"`);
    expect(csvField('=A1,"x"')).toBe(`"'=A1,""x"""`);
    expect(csvField('a=1')).toBe('a=1');
  });

  it('writes numbers and booleans as they are, objects as JSON', () => {
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvField(false)).toBe('false');
    expect(csvField({ a: '=1' })).toBe('"{""a"":""=1""}"');
  });
});