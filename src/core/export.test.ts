import { describe, expect, it } from 'vitest';
import { csvField, exportFileName, ExportRange, rangeOf } from './export.ts';

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

describe('export range', () => {
  it('reads dates as midnight UTC and date-times with their zone, to epoch ms', () => {
    expect(rangeOf(ExportRange.parse({ from: '2026-11-01', to: '2026-11-01T03:00:00+01:00' }))).toEqual({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 1, 2) });
  });

  it('refuses a zoneless date-time, and an empty or backwards range as invalid_range', () => {
    expect(ExportRange.safeParse({ from: '2026-11-01T00:00:00', to: '2026-11-02' }).success).toBe(false);
    for (const to of ['2026-11-01', '2026-10-31']) {
      expect(() => rangeOf({ from: '2026-11-01', to })).toThrow(expect.objectContaining({ code: 'invalid_range', status: 400 }));
    }
  });

  it('names the download after the kind and the range', () => {
    expect(exportFileName('tickets', { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 1, 12, 30) }, 'jsonl')).toBe('frontdesk-tickets-20261101T000000Z-20261101T123000Z.jsonl');
  });
});
