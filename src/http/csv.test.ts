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
