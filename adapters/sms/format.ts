/**
 * Text for SMS: plain text (Markdown rendered by markdownToText: tables as lines, links as
 * "text (url)"), characters that would force
 * UCS-2 replaced by GSM-7 look-alikes, segments counted as carriers bill them, and replies over
 * the segment cap shortened at a sentence or word boundary with a link to the full text.
 */
import { markdownToText } from '../../src/render/markdown.ts';

// GSM 03.38 default alphabet (without ESC) and the extension table, whose characters take two septets.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

/** Look-alikes Twilio's Smart Encoding also uses: one curly quote must not cost 90 characters of capacity. */
const SMART_REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\u201A\u201B\u2032\u00B4\u0060]/g, "'"],
  [/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, ' '],
  [/[\u200B-\u200D\u2060\uFEFF]/g, ''],
  [/[\u2022\u2023\u2043\u25CF\u25E6]/g, '-'],
];

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

/** Counts the segments a carrier bills for `text` (160/153 septets or 70/67 UCS-2 units per segment). */
export function countSegments(text: string): SegmentCount {
  const chars = [...text];
  const gsm = chars.every((ch) => GSM_BASIC.has(ch) || GSM_EXTENDED.has(ch));
  const widths = chars.map((ch) => (gsm ? (GSM_EXTENDED.has(ch) ? 2 : 1) : ch.length));
  const units = widths.reduce((a, b) => a + b, 0);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  if (units === 0) return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: 0, units };
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: 1, units };
  // An escape pair or a surrogate pair is never split across two segments.
  let segments = 1;
  let used = 0;
  for (const width of widths) {
    if (used + width > multi) {
      segments += 1;
      used = 0;
    }
    used += width;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments, units };
}

/** Replaces typographic characters with GSM-7 look-alikes; other characters are kept (they force UCS-2). */
export function smartEncode(text: string): string {
  return SMART_REPLACEMENTS.reduce((acc, [pattern, replacement]) => acc.replace(pattern, replacement), text);
}

export interface FormattedSms {
  body: string;
  encoding: SmsEncoding;
  segments: number;
  /** True when the text was shortened to fit `maxSegments`. */
  truncated: boolean;
}

/**
 * Formats a reply (Markdown) for SMS. When it is longer than `maxSegments`, it is cut at the last sentence
 * end (or word boundary, with "...") that leaves room for `fullTextUrl`.
 */
export function formatSms(text: string, options: { maxSegments: number; fullTextUrl?: string }): FormattedSms {
  const plain = smartEncode(markdownToText(text));
  const whole = countSegments(plain);
  if (whole.segments <= options.maxSegments) return { body: plain, ...whole, truncated: false };

  const suffix = options.fullTextUrl ? `\n\nFull reply: ${options.fullTextUrl}` : '';
  const chars = [...plain];
  const fits = (candidate: string) => countSegments(candidate).segments <= options.maxSegments;
  const withEllipsis = (n: number) => `${chars.slice(0, n).join('').trimEnd()}...${suffix}`;
  // Longest prefix that fits; a longer prefix never needs fewer segments, so the search is sound.
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(withEllipsis(mid))) low = mid;
    else high = mid - 1;
  }
  const prefix = chars.slice(0, low).join('');
  const floor = prefix.length * 0.6;
  let body: string;
  const sentenceEnd = Math.max(...[...prefix.matchAll(/[.!?](?=\s)|\n/g)].map((m) => m.index + (m[0] === '\n' ? 0 : 1)), -1);
  const wordEnd = prefix.search(/\s\S*$/);
  if (sentenceEnd >= floor && sentenceEnd > 0) body = `${prefix.slice(0, sentenceEnd).trimEnd()}${suffix}`;
  else if (wordEnd >= floor && wordEnd > 0) body = `${prefix.slice(0, wordEnd).trimEnd()}...${suffix}`;
  else body = withEllipsis(low);
  return { body, ...countSegments(body), truncated: true };
}
