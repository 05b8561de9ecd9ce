import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../src/core/errors.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { messageBody, sectionBlocks } from './format.ts';
import { splitChannelTs } from './parse.ts';

/** Platform errors another attempt cannot fix (the rest, like internal_error, are retried). */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'too_many_attachments',
  'invalid_blocks',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'restricted_action',
  'user_not_found',
  'cannot_dm_bot',
]);

/**
 * Maps a Web API failure to the outbox's terms: 429 → retryable with Retry-After; 5xx and
 * network errors → retryable; known permanent platform errors → not retryable.
 */
export function toDeliveryError(error: unknown): DeliveryError {
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new DeliveryError(`Slack rate limit; retry after ${error.retryAfter}s`, {
      retryable: true,
      code: 'slack_rate_limited',
      retryAfterMs: error.retryAfter * 1000,
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = error.data.error;
    return new DeliveryError(`Slack refused the message: ${code}`, { retryable: !PERMANENT_ERRORS.has(code), code: `slack_${code}`, cause: error });
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    return new DeliveryError(`Slack answered HTTP ${error.statusCode}`, { retryable: error.statusCode >= 500, code: 'slack_http_error', cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Slack could not be reached: ${message}`, { retryable: true, code: 'slack_unreachable', cause: error });
}

/**
 * Posts a reply into the conversation's Slack thread (the thread key is `<channel>:<thread ts>`),
 * as mrkdwn, in section blocks when long. The provider message id is `<channel>:<ts>` of the post.
 * A reply with files is one message too: the files and the text shared together (uploadReply).
 */
export async function postReply(client: webApi.WebClient, message: OutboundMessage): Promise<DeliveryResult> {
  const thread = message.thread.key ? splitChannelTs(message.thread.key) : null;
  if (!thread) {
    throw new DeliveryError('This conversation has no Slack thread to answer in.', { retryable: false, code: 'slack_no_thread' });
  }
  if (message.attachments.length > 0) return uploadReply(client, message, thread);
  try {
    const result = await client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.ts,
      unfurl_links: false,
      ...messageBody(message.text),
    });
    return { status: 'sent', providerMessageId: `${result.channel ?? thread.channel}:${result.ts}` };
  } catch (error) {
    throw toDeliveryError(error);
  }
}

/**
 * Slack's external upload flow through the WebClient (files.getUploadURLExternal per file, the
 * bytes POSTed to each upload_url, then one files.completeUploadExternal): the files and the text
 * as blocks are shared in the thread by that last call alone. Files uploaded but never completed
 * are not shown (Slack discards them), so a retry after any failure before it sends the reply
 * once, as a retried chat.postMessage does. The provider message id names the shared files, since
 * the completion answers no message ts.
 */
async function uploadReply(client: webApi.WebClient, message: OutboundMessage, thread: { channel: string; ts: string }): Promise<DeliveryResult> {
  const missing = message.attachments.find((a) => !a.data);
  if (missing) throw new DeliveryError(`${missing.filename} has no stored bytes to upload.`, { retryable: false, code: 'slack_file_missing' });
  try {
    const result = await client.filesUploadV2({
      channel_id: thread.channel,
      thread_ts: thread.ts,
      blocks: sectionBlocks(message.text),
      file_uploads: message.attachments.map((a) => ({ file: Buffer.from(a.data!), filename: a.filename, title: a.filename })),
    });
    const completed = result.files as unknown as { files?: { id?: string }[] }[];
    const ids = completed.flatMap((c) => c.files ?? []).map((f) => f.id);
    return { status: 'sent', providerMessageId: `${thread.channel}:files:${ids.join(',')}` };
  } catch (error) {
    throw toDeliveryError(error);
  }
}
