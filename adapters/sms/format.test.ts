import { describe, expect, it } from 'vitest';
import { countSegments, formatSms, smartEncode } from './format.ts';

describe('countSegments', () => {
  it('counts GSM-7 at 160 septets for one segment and 153 per segment after', () => {
    expect(countSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('counts extension characters as two septets and never splits them', () => {
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments(`${'a'.repeat(152)}{`).segments).toBe(1);
    // 152 + 2 + 1 septets: the escape pair moves whole into the second segment.
    expect(countSegments(`${'a'.repeat(152)}{${'a'.repeat(7)}`).segments).toBe(2);
  });

  it('switches to UCS-2 for any character outside GSM-7 (70 / 67 units)', () => {
    expect(countSegments(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', segments: 1, units: 70 });
    expect(countSegments(`${'a'.repeat(70)}ł`).segments).toBe(2);
    expect(countSegments('ł'.repeat(134)).segments).toBe(2);
    expect(countSegments('ł'.repeat(135)).segments).toBe(3);
    // An emoji is a surrogate pair: two units, never split.
    expect(countSegments(`${'a'.repeat(68)}😀`).segments).toBe(1);
    expect(countSegments(`${'a'.repeat(66)}😀${'a'.repeat(66)}`).segments).toBe(3);
    expect(countSegments('😀').units).toBe(2);
  });
});

describe('formatSms', () => {
  it('sends Markdown as plain text: no markers, tables as lines, links as text (url)', () => {
    const markdown = [
      '## Your order',
      '',
      '**Shipped** on _Monday_ with `UPS`.',
      '* Track it [here](https://track.example.com/a_b_c?id=1)',
      '* Or see https://example.com/orders/NW_10003',
      '',
      '| Store | Address |',
      '|---|---|',
      '| Seattle | 1420 Pine Street |',
    ].join('\n');
    expect(formatSms(markdown, { maxSegments: 5 })).toEqual({
      body: [
        'Your order',
        '',
        'Shipped on Monday with UPS.',
        '- Track it here (https://track.example.com/a_b_c?id=1)',
        '- Or see https://example.com/orders/NW_10003',
        '',
        'Seattle: 1420 Pine Street',
      ].join('\n'),
      encoding: 'GSM-7',
      segments: 2,
      units: 166,
      truncated: false,
    });
  });

  it('replaces typographic characters so a reply stays GSM-7', () => {
    expect(smartEncode('It’s “done” – really…')).toBe('It\'s "done" - really...');
    expect(formatSms('It’s shipped.', { maxSegments: 3 })).toMatchObject({ body: "It's shipped.", encoding: 'GSM-7', segments: 1, truncated: false });
  });

  it('cuts an over-long reply at a sentence end and adds the link within the cap', () => {
    const text = 'Refunds take five to seven business days after we receive the item. '.repeat(10);
    const url = 'https://support.example.com/webhooks/sms/r/01JABCDEF.sig';
    const result = formatSms(text, { maxSegments: 2, fullTextUrl: url });
    expect(result.truncated).toBe(true);
    expect(result.segments).toBeLessThanOrEqual(2);
    expect(result.body.endsWith(`item.\n\nFull reply: ${url}`)).toBe(true);
  });

  it('cuts at a word boundary with an ellipsis when no sentence ends late enough', () => {
    const text = `${'word '.repeat(200)}end`;
    const result = formatSms(text, { maxSegments: 1, fullTextUrl: 'https://x.example/r/1' });
    expect(result.segments).toBe(1);
    expect(result.body).toMatch(/word\.\.\.\n\nFull reply: https:\/\/x\.example\/r\/1$/);
  });

  it('respects the cap for UCS-2 text too', () => {
    const result = formatSms('Zamówienie zostało wysłane dziś rano. '.repeat(20), { maxSegments: 3, fullTextUrl: 'https://x.example/r/1' });
    expect(result).toMatchObject({ encoding: 'UCS-2', truncated: true });
    expect(result.segments).toBeLessThanOrEqual(3);
  });
});
