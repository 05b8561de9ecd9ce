/**
 * The body of a staff reply: JSON `{text, internal}`, or multipart/form-data with the fields
 * `text` and `internal` ("true") and up to five `files`. Files are read into memory here; their
 * limits are checked by checkReplyAttachments before anything is stored.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../core/errors.ts';
import type { AttachmentInput } from '../core/types.ts';
import { messageText, readJson } from './body.ts';

export interface ReplyBody {
  text: string;
  internal: boolean;
  attachments: AttachmentInput[];
}

/** The JSON form, as the API document describes it (the multipart form carries the same fields plus files). */
export const replySchema = (maxChars: number) => z.object({ text: messageText(maxChars), internal: z.boolean().optional() });

export async function readReply(c: Context, maxChars: number): Promise<ReplyBody> {
  if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) {
    const body = await readJson(c, replySchema(maxChars));
    return { text: body.text, internal: body.internal ?? false, attachments: [] };
  }
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch {
    throw new InvalidInputError('The multipart body could not be read.', undefined, 'invalid_multipart');
  }
  const one = (name: string) => {
    const value = form[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const fields = z.object({ text: messageText(maxChars), internal: z.enum(['true', 'false']).optional() }).safeParse({ text: one('text'), internal: one('internal') });
  if (!fields.success) throw new InvalidInputError(z.prettifyError(fields.error));
  const files = [form.files ?? []].flat().filter((f): f is File => typeof f !== 'string');
  const attachments = await Promise.all(
    files.map(async (file) => ({
      filename: (file.name || 'attachment').replace(/[\u0000-\u001F\u007F/\\]/g, '_').slice(0, 255),
      // The type as the browser named it, without parameters (text/plain;charset=utf-8 → text/plain).
      contentType: file.type.split(';')[0]!.trim().toLowerCase(),
      size: file.size,
      data: new Uint8Array(await file.arrayBuffer()),
    })),
  );
  return { text: fields.data.text, internal: fields.data.internal === 'true', attachments };
}
