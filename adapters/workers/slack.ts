/**
 * Slack on Workers over plain fetch: the Events API (messages in DMs, mentions, and follow-ups in
 * threads Frontdesk answers) under /webhooks/slack/events, signed requests checked over Web
 * Crypto as adapters/slack/verify.ts checks them, parsed by adapters/slack/parse.ts, and answers
 * posted with chat.postMessage in the thread (adapters/slack/format.ts). Socket Mode, the support
 * desk channel, slash commands and buttons stay on Node (worker-support.ts refuses their settings).
 */
import { Hono } from 'hono';
import { DeliveryError, UnauthorizedError } from '../../src/core/errors.ts';
import type { ChannelAdapter, ChannelContext, DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { messageBody } from '../slack/format.ts';
import { isIgnorable, parseEnvelope, splitChannelTs, threadKeyOf, toInbound, toMessageEvent } from '../slack/parse.ts';
import { PROVIDER, type SlackAdapterConfig, type SlackMessageEvent, type SlackUser } from '../slack/types.ts';
import { SIGNATURE_TOLERANCE_MS } from '../slack/verify.ts';
import { createSlackWebApi, SlackApiError, type SlackWebApi } from './slack-web-api.ts';
import { equalInConstantTime, hex, hmac } from './web-crypto.ts';

/** Platform errors another attempt cannot fix (adapters/slack/send.ts's list); the rest are retried. */
const PERMANENT_ERRORS = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'no_text', 'too_many_attachments', 'invalid_blocks', 'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'missing_scope', 'restricted_action', 'user_not_found', 'cannot_dm_bot']);

/** Slack's request signing: HMAC-SHA256 of `v0:<timestamp>:<raw body>`, timestamp within five minutes. */
export async function verifySlackRequest(input: { signingSecret: string; headers: Headers; rawBody: string; now: number }): Promise<void> {
  const timestamp = input.headers.get('x-slack-request-timestamp');
  const signature = input.headers.get('x-slack-signature');
  if (!timestamp || !signature) throw new UnauthorizedError('Missing X-Slack-Signature or X-Slack-Request-Timestamp.', 'slack_signature_missing');
  if (!/^\d+$/.test(timestamp) || Math.abs(input.now - Number(timestamp) * 1000) > SIGNATURE_TOLERANCE_MS) {
    throw new UnauthorizedError('The Slack request timestamp is too old or invalid.', 'slack_signature_stale');
  }
  const expected = `v0=${hex(await hmac('SHA-256', input.signingSecret, `v0:${timestamp}:${input.rawBody}`))}`;
  if (!equalInConstantTime(signature, expected)) throw new UnauthorizedError('The Slack request signature does not match.', 'slack_signature_invalid');
}

function toDeliveryError(error: unknown): DeliveryError {
  if (!(error instanceof SlackApiError)) {
    return new DeliveryError(`Slack could not be reached: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, code: 'slack_unreachable', cause: error });
  }
  if (error.code === 'rate_limited') return new DeliveryError('Slack rate limit', { retryable: true, code: 'slack_rate_limited', retryAfterMs: error.retryAfterMs, cause: error });
  return new DeliveryError(`Slack refused the message: ${error.code}`, { retryable: !PERMANENT_ERRORS.has(error.code), code: `slack_${error.code}`, cause: error });
}

/** users.info as adapters/slack/users.ts reads it; a bare id when Slack cannot say. */
async function senderOf(call: SlackWebApi, userId: string): Promise<SlackUser> {
  try {
    type Info = { user?: { name?: string; real_name?: string; is_bot?: boolean; profile?: { real_name?: string; display_name?: string; email?: string } } };
    const { user } = await call<Info>('users.info', { user: userId });
    const profile = user?.profile;
    return { id: userId, name: profile?.real_name || profile?.display_name || user?.real_name || user?.name || null, email: profile?.email || null, isBot: Boolean(user?.is_bot) };
  } catch {
    return { id: userId, name: null, email: null, isBot: false };
  }
}

function createSlackRoutes(context: ChannelContext, config: SlackAdapterConfig & { signingSecret: string }, call: SlackWebApi): Hono {
  const { conversations, inbound: pipeline, clock } = context;
  const app = new Hono();

  /** A person's message Frontdesk answers: direct (DM, mention) or in a thread it already answers. */
  async function ingest(event: SlackMessageEvent) {
    const direct = event.type === 'app_mention' || event.channel_type === 'im';
    if (!direct && !(event.thread_ts && (await conversations.byThread('slack', threadKeyOf(event))))) return;
    const sender = await senderOf(call, event.user!);
    const inbound = sender.isBot ? null : toInbound(event, sender, null);
    if (inbound) await pipeline.receive(inbound);
  }

  app.post('/events', async (c) => {
    const rawBody = await c.req.text();
    await verifySlackRequest({ signingSecret: config.signingSecret, headers: c.req.raw.headers, rawBody, now: clock.now() });
    const envelope = parseEnvelope(rawBody);
    if (envelope.type === 'url_verification') return c.json({ challenge: envelope.challenge });
    if (envelope.type !== 'event_callback') return c.body(null, 200);
    const event = toMessageEvent(envelope.event);
    // Slack's retries carry the same event_id: the first delivery claims it.
    if (event && !isIgnorable(event, null) && (await context.providerEvents.claim(PROVIDER, envelope.event_id))) await ingest(event);
    // Slack wants this within 3 s; the answer is computed after it, under the runtime's waitUntil.
    return c.body(null, 200);
  });
  return app;
}

/** The Slack channel for the Workers build; needs SLACK_SIGNING_SECRET (worker-support.ts checks). */
export function createWorkersSlackAdapter(config: SlackAdapterConfig & { signingSecret: string }): ChannelAdapter<Hono> {
  const call = createSlackWebApi(config);
  return {
    kind: 'slack',
    async send(message: OutboundMessage): Promise<DeliveryResult> {
      const thread = message.thread.key ? splitChannelTs(message.thread.key) : null;
      if (!thread) throw new DeliveryError('This conversation has no Slack thread to answer in.', { retryable: false, code: 'slack_no_thread' });
      try {
        const posted = await call<{ channel?: string; ts: string }>('chat.postMessage', { channel: thread.channel, thread_ts: thread.ts, unfurl_links: false, ...messageBody(message.text) });
        return { status: 'sent', providerMessageId: `${posted.channel ?? thread.channel}:${posted.ts}` };
      } catch (error) {
        throw toDeliveryError(error);
      }
    },
    attach: (ctx) => ({ basePath: '/webhooks/slack', app: createSlackRoutes(ctx, config, call) }),
  };
}
