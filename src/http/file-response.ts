/**
 * The headers a stored file is served with outside the console (the widget's downloads, MMS media
 * Twilio fetches). Only the types staff may attach keep their own Content-Type; anything else is an
 * opaque download. Nothing served here can run on our origin: nosniff, and a sandboxing CSP.
 */
import { REPLY_ATTACHMENT_LIMITS } from '../core/reply-attachments.ts';
import type { Attachment } from '../core/types.ts';

const SAFE_TYPES: readonly string[] = REPLY_ATTACHMENT_LIMITS.types;

export const isImageType = (contentType: string) => contentType.startsWith('image/') && SAFE_TYPES.includes(contentType);

/** `inline` shows the file in place (an image thumbnail, media a phone receives); else a download. */
export function fileHeaders(file: Pick<Attachment, 'filename' | 'contentType' | 'size'>, disposition: 'inline' | 'attachment'): Record<string, string> {
  const known = SAFE_TYPES.includes(file.contentType);
  // A plain-ASCII name for clients that ignore filename* (Twilio shows it; no spaces, no quotes).
  const ascii = file.filename.replace(/[^A-Za-z0-9._-]/g, '_').slice(-60) || 'file';
  return {
    'content-type': known ? file.contentType : 'application/octet-stream',
    'content-length': String(file.size),
    'content-disposition': `${known ? disposition : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cache-control': 'private, no-store',
  };
}
