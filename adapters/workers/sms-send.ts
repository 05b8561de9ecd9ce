/**
 * SMS replies on Workers: the same sender choice, text and full-text link as adapters/sms/send.ts,
 * sent through Twilio's REST API over fetch (twilio-rest.ts), and the same lookup of a reply an
 * earlier, cut-off attempt handed to Twilio.
 */
import { DeliveryError } from '../../src/core/errors.ts';
import { retryAfterMs } from '../../src/core/http-responses.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { twilioRefusal, twilioTransient, twilioUnreachable } from '../sms/delivery-errors.ts';
import { formatSms } from '../sms/format.ts';
import { mediaUrlsOf } from '../sms/media-links.ts';
import { deliveryStatusOf, senderFromThreadKey } from '../sms/parse.ts';
import type { SmsAdapterConfig } from '../sms/types.ts';
import { withoutCredentials } from '../sms/verify.ts';
import { TwilioApiError, type TwilioMessage, type TwilioRest } from './twilio-rest.ts';
import { base64url, equalInConstantTime, hmac } from './web-crypto.ts';

/** Twilio's code for a recipient who texted STOP: never text them again. */
/** How far before the cut-off attempt's claim Twilio's DateSent may lie (clocks of two machines). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The signed token of a reply's full-text link (the same token adapters/sms/send.ts makes). */
export async function replyLinkToken(authToken: string, messageId: string): Promise<string> {
  return `${messageId}.${base64url(await hmac('SHA-256', authToken, `sms-reply:${messageId}`)).slice(0, 16)}`;
}

/** The message id of a valid full-text link token, or null. */
export async function readReplyLinkToken(authToken: string, token: string): Promise<string | null> {
  const [messageId, signature] = token.split('.');
  if (!messageId || !signature) return null;
  return equalInConstantTime(token, await replyLinkToken(authToken, messageId)) ? messageId : null;
}

/** Who a reply is sent from, in Twilio's parameter names. */
type TwilioSender = { From: string } | { MessagingServiceSid: string };

export function createWorkersSmsSender(config: SmsAdapterConfig, twilio: TwilioRest, hooks: { onUnsubscribed(number: string): Promise<void>; now(): number }) {
  const configured: TwilioSender | null = config.messagingServiceSid ? { MessagingServiceSid: config.messagingServiceSid } : config.fromNumber ? { From: config.fromNumber } : null;

  /** The sender and body a reply goes out with, the same on every attempt. */
  async function compose(message: OutboundMessage) {
    const ours = senderFromThreadKey(message.thread.key);
    const sender: TwilioSender | null = ours ? ('from' in ours ? { From: ours.from } : { MessagingServiceSid: ours.messagingServiceSid }) : configured;
    if (!sender) throw new DeliveryError('No sender: set TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID.', { retryable: false, code: 'sms_no_sender' });
    const fullTextUrl = `${withoutCredentials(config.publicUrl)}/webhooks/sms/r/${await replyLinkToken(config.authToken, message.messageId)}`;
    return { sender, body: formatSms(message.text, { maxSegments: config.maxSegments, fullTextUrl }).body };
  }

  const resultOf = (message: TwilioMessage): DeliveryResult => {
    const status = deliveryStatusOf(message.status);
    return { status: status === 'sent' || status === 'delivered' ? status : 'queued', providerMessageId: message.sid };
  };

  /** A Twilio failure as the outbox reads it: retry throttling, server errors and the network; never a refusal. */
  async function toDeliveryError(error: unknown, to: string): Promise<DeliveryError> {
    if (!(error instanceof TwilioApiError)) return twilioUnreachable(error);
    if (error.status === 429 || error.status >= 500) return twilioTransient(error.status, error.message, retryAfterMs(error.retryAfter), error);
    return twilioRefusal(error, to, hooks.onUnsubscribed, error);
  }

  async function send(message: OutboundMessage): Promise<DeliveryResult> {
    const { sender, body } = await compose(message);
    const form = new URLSearchParams({ To: message.to.address, ...sender, Body: body, StatusCallback: `${config.publicUrl}/webhooks/sms/status` });
    for (const url of await mediaUrlsOf(message, config, hooks.now())) form.append('MediaUrl', url);
    try {
      return resultOf(await twilio.createMessage(form));
    } catch (error) {
      throw await toDeliveryError(error, message.to.address);
    }
  }

  async function findSent(message: OutboundMessage, since: number): Promise<DeliveryResult[]> {
    const { sender, body } = await compose(message);
    try {
      const listed = await twilio.listMessages({ to: message.to.address, from: 'From' in sender ? sender.From : undefined, sentAfter: new Date(since - CLOCK_SKEW_MS) });
      return listed
        .filter((m) => m.direction !== 'inbound' && m.body === body)
        .filter((m) => !('MessagingServiceSid' in sender) || m.messaging_service_sid === sender.MessagingServiceSid)
        .sort((a, b) => Date.parse(a.date_created) - Date.parse(b.date_created))
        .map(resultOf);
    } catch (error) {
      throw await toDeliveryError(error, message.to.address);
    }
  }

  return { send, findSent };
}
