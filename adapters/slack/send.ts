import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../src/core/errors.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { messageBody } from './format.ts';
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
 */
export async function postReply(client: webApi.WebClient, message: OutboundMessage): Promise<DeliveryResult> {
  const thread = message.thread.key ? splitChannelTs(message.thread.key) : null;
  if (!thread) {
    throw new DeliveryError('This conversation has no Slack thread to answer in.', { retryable: false, code: 'slack_no_thread' });
  }
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
