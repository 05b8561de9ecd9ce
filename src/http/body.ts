import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import { holdsUnstorableText, isUnstorable } from '../core/text.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body: strict UTF-8, valid JSON, storable text, then the schema. Each failure names the problem. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new InvalidInputError('Send the body as JSON with Content-Type: application/json.', undefined, 'unsupported_media_type');
  }
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new InvalidInputError('The body is not valid UTF-8.', undefined, 'invalid_encoding');
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`The body is not valid JSON: ${(error as Error).message}`, undefined, 'invalid_json');
  }
  if (holdsUnstorableText(data)) {
    throw new InvalidInputError('The body holds a NUL character (\\u0000) or a lone UTF-16 surrogate, which no field may contain.', undefined, 'invalid_encoding');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidInputError(z.prettifyError(parsed.error), parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  }
  return parsed.data;
}

/** Reads the query string through the schema; a failure is a 400 `invalid_query` naming the problem. */
export function query<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new InvalidInputError(z.prettifyError(parsed.error), undefined, 'invalid_query');
  return parsed.data;
}

/** Control characters other than tab, newline and carriage return: no place in a message or an article. */
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** A message text field: trimmed, non-empty, bounded, free of control characters. */
export function messageText(maxChars: number) {
  return z
    .string({ error: 'text is required and must be a string' })
    .refine((s) => !CONTROL.test(s), 'text contains control characters')
    .transform((s) => s.trim())
    .refine((s) => s.length > 0, 'text must not be empty')
    .refine((s) => s.length <= maxChars, `text must be at most ${maxChars} characters`);
}

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // malformed percent-encoding reaches the handlers as sent, as Hono's own decoding leaves it
  }
};

/**
 * Refuses a request whose path or query, once decoded, holds a NUL or a lone surrogate (400
 * invalid_encoding): ids and parameters go to the database as text, where a NUL fails the query.
 */
export function refuseUnstorableUrl(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (isUnstorable(decoded(url.pathname)) || [...url.searchParams].flat().some(isUnstorable)) {
      throw new InvalidInputError('The URL holds a NUL character or a lone UTF-16 surrogate, which no id or parameter may contain.', undefined, 'invalid_encoding');
    }
    await next();
  };
}
