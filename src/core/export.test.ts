import { describe, expect, it } from 'vitest';
import { exportFileName, ExportRange, rangeOf } from './export.ts';

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
