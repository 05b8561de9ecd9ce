import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { InvalidInputError, parseInput } from '../core/errors.ts';
import { isUnstorable, unstorableTextError, unstorableTextPath } from '../core/text.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a JSON body: strict UTF-8, valid JSON, the schema, then storable text. Each failure names the problem. */
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
  const parsed = parseInput(schema, data);
  // After the schema, so a field's own rule names its problem, and unknown keys (dropped) do not count.
  const unstorable = unstorableTextPath(parsed);
  if (unstorable !== null) throw unstorableTextError(unstorable || 'The body', unstorable);
  return parsed;
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
 * unstorable_text): ids and parameters go to the database as text, where a NUL
 * fails the query on PostgreSQL.
 */
export function refuseUnstorableUrl(): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (isUnstorable(decoded(url.pathname))) throw unstorableTextError('The path');
    const name = [...url.searchParams].find(([key, value]) => isUnstorable(key) || isUnstorable(value))?.[0];
    if (name !== undefined) throw unstorableTextError(`The query parameter ${JSON.stringify(name)}`);
    await next();
  };
}
