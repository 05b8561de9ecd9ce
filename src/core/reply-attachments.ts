/**
 * Files staff attach to a reply: what is accepted (count, size, type), which of them a channel can
 * carry (each adapter says so, see ChannelAdapter.replyAttachments), and the short description a
 * sent message keeps of them. Checked before anything is stored, so a refused reply leaves no trace.
 */
import { FrontdeskError, InvalidInputError } from './errors.ts';
import type { ReplyAttachmentSupport } from './ports.ts';
import type { AttachmentInput, ChannelKind, Message } from './types.ts';

export const REPLY_ATTACHMENT_LIMITS = {
  maxFiles: 5,
  /** Per file; mail servers commonly refuse messages much over 20 MB, and base64 adds a third. */
  maxBytes: 10_000_000,
  /** Documents and images customers open anywhere; nothing executable, no HTML. */
  types: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'text/csv'],
} as const;

/** The whole multipart request may carry every file at its largest, plus the text. */
export const MAX_REPLY_REQUEST_BYTES = REPLY_ATTACHMENT_LIMITS.maxFiles * REPLY_ATTACHMENT_LIMITS.maxBytes + 200_000;

/** What a sent message says of each file it carries (kept in `meta.attachments`), for channels that show them. */
export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** The files a message carries, as recorded when it was stored; [] for none. */
export function attachmentRefsOf(message: Pick<Message, 'meta'>): AttachmentRef[] {
  const refs = message.meta?.attachments;
  return Array.isArray(refs) ? (refs as AttachmentRef[]) : [];
}

/**
 * Throws the 4xx a reply's attachments deserve (too many, too large, a refused type, or files the
 * channel cannot carry); returns them unchanged otherwise. `channel` is null for an internal note,
 * which is never sent; `support` is what the conversation's channel carries (null: no files).
 */
export function checkReplyAttachments(channel: ChannelKind | null, support: ReplyAttachmentSupport | null, files: AttachmentInput[]): AttachmentInput[] {
  if (files.length === 0) return files;
  const { maxFiles, maxBytes, types } = REPLY_ATTACHMENT_LIMITS;
  if (files.length > maxFiles) throw new InvalidInputError(`At most ${maxFiles} files per reply; this one has ${files.length}.`, undefined, 'too_many_attachments');
  for (const file of files) {
    if (file.size > maxBytes) throw new FrontdeskError('attachment_too_large', `${file.filename} is ${file.size} bytes; files may be at most ${maxBytes} bytes.`, 413);
    if (!(types as readonly string[]).includes(file.contentType)) {
      throw new FrontdeskError('unsupported_attachment_type', `${file.filename} is ${file.contentType || 'of no type'}; attach ${types.join(', ')}.`, 415);
    }
  }
  if (channel) checkChannelCarries(channel, support, files);
  return files;
}

/** 422 for files the channel cannot take to the customer, naming the reason. */
function checkChannelCarries(channel: ChannelKind, support: ReplyAttachmentSupport | null, files: AttachmentInput[]): void {
  if (!support) {
    throw new FrontdeskError('attachments_unsupported', `Replies on the ${channel} channel cannot carry files on this deployment; paste a link to the file instead.`, 422);
  }
  const refused = files.find((file) => !support.types.includes(file.contentType));
  if (refused) {
    throw new FrontdeskError('attachment_type_not_carried', `${refused.filename} is ${refused.contentType}, which ${support.name} cannot carry; it takes ${support.types.join(', ')}.`, 422);
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (support.maxTotalBytes !== undefined && total > support.maxTotalBytes) {
    throw new FrontdeskError('attachments_too_large_for_channel', `These files come to ${total} bytes; ${support.name} carries at most ${support.maxTotalBytes} bytes per message.`, 422);
  }
}

/** The support of a channel that carries every accepted file (email parts, the widget, Slack uploads). */
export function carriesEveryReplyType(name: string): ReplyAttachmentSupport {
  return { name, types: REPLY_ATTACHMENT_LIMITS.types };
}
