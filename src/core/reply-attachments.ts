/**
 * Files staff attach to a reply: what is accepted (count, size, type) and on which channels they
 * can reach the customer. Checked before anything is stored, so a refused reply leaves no trace.
 */
import { FrontdeskError, InvalidInputError } from './errors.ts';
import type { AttachmentInput, ChannelKind } from './types.ts';

export const REPLY_ATTACHMENT_LIMITS = {
  maxFiles: 5,
  /** Per file; mail servers commonly refuse messages much over 20 MB, and base64 adds a third. */
  maxBytes: 10_000_000,
  /** Documents and images customers open anywhere; nothing executable, no HTML. */
  types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'text/csv'],
} as const;

/** The whole multipart request may carry every file at its largest, plus the text. */
export const MAX_REPLY_REQUEST_BYTES = REPLY_ATTACHMENT_LIMITS.maxFiles * REPLY_ATTACHMENT_LIMITS.maxBytes + 200_000;

/**
 * Why a channel cannot carry staff attachments, or null when it can: email sends them as MIME
 * parts. Other channels need a link the customer (or Twilio, for MMS) can open, which Frontdesk
 * does not serve yet, so they refuse clearly instead of dropping the file.
 */
const CHANNEL_REFUSALS: Record<ChannelKind, string | null> = {
  email: null,
  web: 'The web widget cannot show attached files yet; paste a link to the file instead.',
  sms: 'SMS replies cannot carry files here: MMS needs a public link Twilio can fetch, which Frontdesk does not serve yet.',
  slack: 'Slack replies cannot carry files.',
};

/**
 * Throws the 4xx a reply's attachments deserve (too many, too large, a refused type or channel);
 * returns them unchanged otherwise. `channel` is null for an internal note, which is never sent.
 */
export function checkReplyAttachments(channel: ChannelKind | null, files: AttachmentInput[]): AttachmentInput[] {
  if (files.length === 0) return files;
  const { maxFiles, maxBytes, types } = REPLY_ATTACHMENT_LIMITS;
  if (files.length > maxFiles) throw new InvalidInputError(`At most ${maxFiles} files per reply; this one has ${files.length}.`, undefined, 'too_many_attachments');
  for (const file of files) {
    if (file.size > maxBytes) throw new FrontdeskError('attachment_too_large', `${file.filename} is ${file.size} bytes; files may be at most ${maxBytes} bytes.`, 413);
    if (!(types as readonly string[]).includes(file.contentType)) {
      throw new FrontdeskError('unsupported_attachment_type', `${file.filename} is ${file.contentType || 'of no type'}; attach ${types.join(', ')}.`, 415);
    }
  }
  const refusal = channel && CHANNEL_REFUSALS[channel];
  if (refusal) throw new FrontdeskError('attachments_unsupported', refusal, 422);
  return files;
}
