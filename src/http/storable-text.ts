/**
 * Text no field of Frontdesk accepts, wherever a request carries it (URL, query, JSON body): a NUL
 * character, which PostgreSQL text cannot hold (the query fails), and a lone UTF-16 surrogate,
 * which is not Unicode (each store would keep a replacement character instead of what was sent).
 * Both are legal in JSON escapes and percent-encoding, so they are refused here, before any handler
 * reads them, with one 400 on every store.
 */
import type { MiddlewareHandler } from 'hono';
import { InvalidInputError } from '../core/errors.ts';

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|\p{Cs}/u;

/** Whether a string holds a NUL or a lone surrogate. */
export function isUnstorable(text: string): boolean {
  return UNSTORABLE.test(text);
}

/**
 * Whether any string or key in a parsed JSON value is unstorable. Walks with a stack, not
 * recursion: a body may nest as deep as its byte limit allows.
 */
export function holdsUnstorableText(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (isUnstorable(next)) return true;
    } else if (next !== null && typeof next === 'object') {
      for (const [key, child] of Object.entries(next)) {
        if (isUnstorable(key)) return true;
        pending.push(child);
      }
    }
  }
  return false;
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed percent-encoding reaches the handlers as sent, like Hono's own decoding
  }
};

/** Refuses a request whose path or query, once decoded, holds unstorable text (400 invalid_encoding). */
export function refuseUnstorableUrl(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    const query = [...url.searchParams].flat();
    if (isUnstorable(decoded(url.pathname)) || query.some(isUnstorable)) {
      throw new InvalidInputError('The URL holds a NUL character or a lone UTF-16 surrogate, which no id or parameter may contain.', undefined, 'invalid_encoding');
    }
    await next();
  };
}
