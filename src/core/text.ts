/** Text folding shared by search, knowledge matching, slugs and the classifier; what text a store can keep. */
import { InvalidInputError } from './errors.ts';

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lowercase with accents removed ("Café" → "cafe"), so spellings with and without them meet. */
export function foldText(text: string): string {
  return text.toLowerCase().normalize('NFKD').replace(COMBINING_MARKS, '');
}

/**
 * A NUL character, which PostgreSQL text cannot hold (the query fails), or a lone UTF-16 surrogate,
 * which is not Unicode (each store would keep a replacement character instead of what was sent).
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Whether a string holds a NUL or a lone surrogate. */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * The one refusal of unstorable text, wherever it arrives (a JSON field, a path, a query, a
 * provider's webhook): 400 `unstorable_text`; `where` names the place, `path` a JSON field's.
 */
export function unstorableTextError(where: string, path?: string): InvalidInputError {
  const message = 'holds a NUL character or a lone UTF-16 surrogate, which Frontdesk cannot store';
  return new InvalidInputError(`${where} ${message}.`, path === undefined ? undefined : [{ path, message }], 'unstorable_text');
}

/**
 * Where the first unstorable string or key of a parsed JSON value is, as a dotted path (`tags.1`;
 * '' for the value itself), or null when there is none. Walks with a stack, not recursion: a body
 * may nest as deep as its byte limit allows.
 */
export function unstorableTextPath(value: unknown): string | null {
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0) {
    const [next, path] = pending.pop()!;
    if (typeof next === 'string') {
      if (isUnstorable(next)) return path;
    } else if (next !== null && typeof next === 'object') {
      for (const [key, child] of Object.entries(next)) {
        const at = path ? `${path}.${key}` : key;
        if (isUnstorable(key)) return at;
        pending.push([child, at]);
      }
    }
  }
  return null;
}

/** A customer's text from a provider as the store takes it: no NUL or other C0 controls but tab and newline, LF line ends. */
export function storableText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\r\n?/g, '\n');
}
