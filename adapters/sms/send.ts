import { createHmac, timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { DeliveryError } from '../../src/core/errors.ts';
import { retryAfterMs } from '../../src/core/http-responses.ts';
import { twilioRefusal, twilioTransient, twilioUnreachable } from './delivery-errors.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { formatSms } from './format.ts';
import { mediaUrlsOf } from './media-links.ts';
import { deliveryStatusOf, senderFromThreadKey } from './parse.ts';
import type { SmsAdapterConfig } from './types.ts';
import { withoutCredentials } from './verify.ts';

/** Twilio error codes after which the recipient must not be texted again. */

/** A 429 or 5xx answer, raised by the HTTP client so its Retry-After header is not lost. */
class TwilioTransientError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Twilio's own HTTP client with two changes: requests go to `apiUrl` when one is configured (the
 * path, query, auth and body are untouched), and throttling or server errors surface with their
 * Retry-After instead of as a RestException that drops the headers.
 */
class FrontdeskRequestClient extends twilio.RequestClient {
  constructor(
    private readonly apiUrl: string | null,
    options: RequestClient.RequestClientOptions,
  ) {
    super(options);
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.apiUrl ? rebase(opts.uri, this.apiUrl) : opts.uri;
    const response = await super.request({ ...opts, uri });
    if (response.statusCode === 429 || response.statusCode >= 500) {
      const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
      throw new TwilioTransientError(response.statusCode, retryAfterMs(response.headers?.['retry-after']), body.slice(0, 300));
    }
    return response;
  }
}

function rebase(uri: string, apiUrl: string): string {
  const parsed = new URL(uri);
  return `${apiUrl.replace(/\/$/, '')}${parsed.pathname}${parsed.search}`;
}

/** A Twilio REST client for the account, pointed at `apiUrl` when set. */
export function createTwilioClient(config: Pick<SmsAdapterConfig, 'accountSid' | 'authToken' | 'apiUrl'>, timeoutMs = 15_000) {
  return twilio(config.accountSid, config.authToken, {
    httpClient: new FrontdeskRequestClient(config.apiUrl, { timeout: timeoutMs }),
  });
}

/** Signs a reply id for the public full-text link, so ids alone open nothing. */
export function replyLinkToken(authToken: string, messageId: string): string {
  const signature = createHmac('sha256', authToken).update(`sms-reply:${messageId}`).digest('base64url').slice(0, 16);
  return `${messageId}.${signature}`;
}

/** The message id of a valid full-text link token, or null. */
export function readReplyLinkToken(authToken: string, token: string): string | null {
  const [messageId, signature] = token.split('.');
  if (!messageId || !signature) return null;
  const expected = replyLinkToken(authToken, messageId).split('.')[1]!;
  const ok = signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
  return ok ? messageId : null;
}

/** How far before the cut-off attempt's claim Twilio's DateSent may lie (clocks of two machines). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Sends one reply with `messages.create`, from the number (or Messaging Service) the customer
 * wrote to, falling back to the configured sender, and finds a reply an earlier attempt handed
 * to Twilio. There is no idempotency key on the Messages API: when a process dies after Twilio
 * accepted a reply but before the outbox recorded it, the outbox asks `findSent` before sending
 * again. Twilio's message resource keeps no custom field, so the reply's marker is what we sent:
 * the same To and sender, the exact body (a shortened reply carries its own signed link), sent
 * since the cut-off attempt began; the outbox skips records another reply already claims.
 */
export function createSmsSender(
  config: SmsAdapterConfig,
  client: ReturnType<typeof createTwilioClient>,
  hooks: { onUnsubscribed(number: string): Promise<void>; now(): number },
) {
  const configured = config.messagingServiceSid
    ? { messagingServiceSid: config.messagingServiceSid }
    : config.fromNumber
      ? { from: config.fromNumber }
      : null;

  /** The sender and body a reply goes out with, the same on every attempt. */
  function compose(message: OutboundMessage) {
    const sender = senderFromThreadKey(message.thread.key) ?? configured;
    if (!sender) {
      throw new DeliveryError('No sender: set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.', { retryable: false, code: 'sms_no_sender' });
    }
    // Customers open this link: PUBLIC_URL's basic-auth credentials (for Twilio) stay out of it.
    const fullTextUrl = `${withoutCredentials(config.publicUrl)}/webhooks/sms/r/${replyLinkToken(config.authToken, message.messageId)}`;
    const { body } = formatSms(message.text, { maxSegments: config.maxSegments, fullTextUrl });
    return { sender, body };
  }

  const resultOf = (twilioStatus: string, sid: string): DeliveryResult => {
    const status = deliveryStatusOf(twilioStatus);
    return { status: status === 'sent' || status === 'delivered' ? status : 'queued', providerMessageId: sid };
  };

  async function send(message: OutboundMessage): Promise<DeliveryResult> {
    const { sender, body } = compose(message);
    const mediaUrl = await mediaUrlsOf(message, config, hooks.now());
    try {
      const created = await client.messages.create({
        to: message.to.address,
        ...sender,
        body,
        ...(mediaUrl.length > 0 ? { mediaUrl } : {}),
        statusCallback: `${config.publicUrl}/webhooks/sms/status`,
      });
      return resultOf(created.status, created.sid);
    } catch (error) {
      throw await toDeliveryError(error, message.to.address, hooks);
    }
  }

  async function findSent(message: OutboundMessage, since: number): Promise<DeliveryResult[]> {
    const { sender, body } = compose(message);
    try {
      const listed = await client.messages.list({
        to: message.to.address,
        ...('from' in sender ? { from: sender.from } : {}),
        dateSentAfter: new Date(since - CLOCK_SKEW_MS),
        limit: 100,
      });
      return listed
        .filter((m) => m.direction !== 'inbound' && m.body === body)
        .filter((m) => !('messagingServiceSid' in sender) || m.messagingServiceSid === sender.messagingServiceSid)
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime())
        .map((m) => resultOf(m.status, m.sid));
    } catch (error) {
      throw await toDeliveryError(error, message.to.address, hooks);
    }
  }

  return { send, findSent };
}

async function toDeliveryError(error: unknown, to: string, hooks: { onUnsubscribed(number: string): Promise<void> }): Promise<DeliveryError> {
  if (error instanceof TwilioTransientError) return twilioTransient(error.status, error.message, error.retryAfterMs, error);
  if (error instanceof twilio.RestException) return twilioRefusal(error, to, hooks.onUnsubscribed, error);
  return twilioUnreachable(error);
}
