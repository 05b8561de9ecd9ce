import { describe, expect, it } from 'vitest';
import { parseCsv, parseCsvRecords } from './csv.ts';

describe('parseCsv', () => {
  it('handles a BOM, quotes, doubled quotes, embedded commas and newlines, CRLF', () => {
    const text = '\ufeffa,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",z\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x, y', 'he said "hi"'],
      ['multi\nline', 'z'],
    ]);
  });
  it('keeps empty fields and a last line without newline, skips blank lines', () => {
    expect(parseCsv('a,,c\n\n1,2,')).toEqual([
      ['a', '', 'c'],
      ['1', '2', ''],
    ]);
  });
  it('throws on an unterminated quote', () => {
    expect(() => parseCsv('"open,1\n')).toThrow(/unterminated/);
  });
  it('maps rows onto header names', () => {
    expect(parseCsvRecords('\ufeffflags,utterance,intent\nB,"hi, there",greet\n')).toEqual([
      { flags: 'B', utterance: 'hi, there', intent: 'greet' },
    ]);
  });
});
