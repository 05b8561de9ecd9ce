import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { ForbiddenError, InvalidInputError } from '../../src/core/errors.ts';
import { isUnstorable, storableText, unstorableTextError } from '../../src/core/text.ts';
import type { AttachmentInput, DeliveryStatus, InboundMessage } from '../../src/core/types.ts';
import type { SmsKeyword, SmsStatusCallback, SmsWebhook } from './types.ts';

/** Form parameters as Twilio's validator wants them: repeated keys become arrays. */
export type FormParams = Record<string, string | string[]>;

/** Parses an application/x-www-form-urlencoded body. */
export function formParams(rawBody: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

/** One value of a form parameter (the first when repeated). */
export function param(params: FormParams, key: string): string | undefined {
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Twilio's default keywords (https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out):
 * opt-out STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE; opt-in START, YES,
 * UNSTOP; help HELP, INFO. Twilio acts on the whole message being one of them, in any case.
 */
const KEYWORDS: Record<string, SmsKeyword> = {
  STOP: 'stop',
  STOPALL: 'stop',
  UNSUBSCRIBE: 'stop',
  CANCEL: 'stop',
  END: 'stop',
  QUIT: 'stop',
  OPTOUT: 'stop',
  REVOKE: 'stop',
  START: 'start',
  YES: 'start',
  UNSTOP: 'start',
  HELP: 'help',
  INFO: 'help',
};

/**
 * The compliance keyword a message is, or null. Only a message that is the keyword alone counts
 * (any case, surrounding spaces and trailing punctuation ignored): "cancel my order" is a request.
 */
export function detectKeyword(body: string): SmsKeyword | null {
  const word = body.trim().replace(/[.!]+$/, '').toUpperCase();
  return KEYWORDS[word] ?? null;
}

/** E.164 for phone numbers; other senders (short codes, alphanumeric ids) are kept as sent. */
export function normaliseNumber(value: string): string {
  const trimmed = value.trim();
  return parsePhoneNumberFromString(trimmed)?.number ?? trimmed;
}

/** One conversation per number pair: the customer and our number, or our Messaging Service. */
export function threadKey(customer: string, ours: string): string {
  return `${customer}|${ours}`;
}

/** Our side of a thread key: a number to send from or a Messaging Service SID. */
export function senderFromThreadKey(key: string | null): { from: string } | { messagingServiceSid: string } | null {
  const ours = key?.split('|')[1];
  if (!ours) return null;
  return ours.startsWith('MG') ? { messagingServiceSid: ours } : { from: ours };
}

/** The states Twilio reports for a message coming in; any other is the state of a message sent. */
const INBOUND_STATES = new Set(['received', 'receiving']);

/**
 * Whether a request to the inbound URL is a status callback: Twilio posts those there when a
 * number or Messaging Service has its status callback set to that URL (for texts sent from our
 * number outside Frontdesk too). They carry From = our number and no Body: not a customer's text.
 */
export function isStatusCallback(params: FormParams): boolean {
  const state = param(params, 'MessageStatus') ?? param(params, 'SmsStatus');
  return !!state && !INBOUND_STATES.has(state.toLowerCase());
}

/**
 * Ids and numbers become keys in the store: one holding a NUL (which PostgreSQL text cannot hold)
 * is no id Twilio sends, and is refused as malformed rather than failing the insert.
 */
function refuseUnstorableIds(fields: Record<string, string | undefined>): void {
  const bad = Object.entries(fields).find(([, value]) => value !== undefined && isUnstorable(value))?.[0];
  if (bad !== undefined) throw unstorableTextError(`The Twilio webhook's ${bad}`);
}

/** Validates an inbound message webhook (SMS or MMS, sent to a number or a Messaging Service). */
export function parseSmsWebhook(params: FormParams, accountSid: string): SmsWebhook {
  const messageSid = param(params, 'MessageSid') ?? param(params, 'SmsMessageSid');
  const from = param(params, 'From');
  const to = param(params, 'To');
  const messagingServiceSid = param(params, 'MessagingServiceSid');
  const missing = [!messageSid && 'MessageSid', !from && 'From', !to && 'To'].filter(Boolean);
  if (missing.length > 0) throw new InvalidInputError(`The Twilio webhook lacks ${missing.join(', ')}.`, undefined, 'invalid_sms_webhook');
  refuseUnstorableIds({ MessageSid: messageSid, From: from, To: to, MessagingServiceSid: messagingServiceSid });
  // The signature proves Twilio sent it; this proves it was meant for this account.
  if (param(params, 'AccountSid') !== accountSid) throw new ForbiddenError('The webhook belongs to another Twilio account.', 'wrong_account');
  const numMedia = Math.min(Number(param(params, 'NumMedia') ?? 0) || 0, 10);
  const media: SmsWebhook['media'] = [];
  for (let i = 0; i < numMedia; i += 1) {
    const url = param(params, `MediaUrl${i}`);
    if (url) media.push({ url, contentType: param(params, `MediaContentType${i}`) ?? 'application/octet-stream' });
  }
  return {
    messageSid: messageSid!,
    accountSid,
    from: normaliseNumber(from!),
    to: normaliseNumber(to!),
    messagingServiceSid: messagingServiceSid || null,
    // The customer's words are kept whatever a handset put in them, without what no store can hold.
    body: storableText(param(params, 'Body') ?? ''),
    media,
  };
}

/** The normalized message handed to the pipeline. */
export function toInboundMessage(
  sms: SmsWebhook,
  media: { attachments: AttachmentInput[]; notes: string[] },
  receivedAt: number,
): InboundMessage {
  return {
    channel: 'sms',
    from: { address: sms.from },
    to: sms.messagingServiceSid ?? sms.to,
    text: sms.body,
    attachments: media.attachments,
    providerMessageId: sms.messageSid,
    receivedAt,
    thread: { key: threadKey(sms.from, sms.messagingServiceSid ?? sms.to) },
    meta: {
      twilio: { to: sms.to, messagingServiceSid: sms.messagingServiceSid, numMedia: sms.media.length },
      ...(media.notes.length > 0 ? { mediaNotes: media.notes } : {}),
    },
  };
}

/** Validates a message status callback. */
export function parseStatusCallback(params: FormParams, accountSid: string): SmsStatusCallback {
  const messageSid = param(params, 'MessageSid') ?? param(params, 'SmsSid');
  const status = param(params, 'MessageStatus') ?? param(params, 'SmsStatus');
  if (!messageSid || !status) throw new InvalidInputError('The status callback lacks MessageSid or MessageStatus.', undefined, 'invalid_sms_webhook');
  const to = param(params, 'To');
  refuseUnstorableIds({ MessageSid: messageSid, To: to });
  if (param(params, 'AccountSid') !== accountSid) throw new ForbiddenError('The webhook belongs to another Twilio account.', 'wrong_account');
  return { messageSid, status, errorCode: param(params, 'ErrorCode') || null, to: to ? normaliseNumber(to) : null };
}

/** Twilio's message statuses in Frontdesk's terms (null: not a delivery state we track). */
export function deliveryStatusOf(twilioStatus: string): Extract<DeliveryStatus, 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed'> | null {
  switch (twilioStatus) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
    case 'read':
      return 'delivered';
    case 'undelivered':
      return 'undelivered';
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}
