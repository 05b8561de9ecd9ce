import type { Logger } from '../../src/core/ports.ts';

/** Settings of the SMS channel: config.sms plus where Frontdesk is reachable. */
export interface SmsAdapterConfig {
  accountSid: string;
  /** Authenticates API calls and media downloads, and validates webhook signatures. */
  authToken: string;
  /** The number replies are sent from when the conversation names none. */
  fromNumber: string | null;
  /** Send through a Messaging Service instead of a number (used when the conversation names none). */
  messagingServiceSid: string | null;
  /** Overrides the Twilio API origin (tests, egress proxies); media on api.twilio.com follows it. */
  apiUrl: string | null;
  /** The answer to HELP/INFO. */
  helpText: string;
  /** Longest reply in segments before it is shortened with a link to the full text. */
  maxSegments: number;
  /** Largest MMS media item fetched and stored; larger ones are kept as a link. */
  maxMediaBytes: number;
  /** The URL Twilio and customers reach Frontdesk at (no trailing slash); webhooks are signed against it. */
  publicUrl: string;
  /** Honour X-Forwarded-Proto/Host when rebuilding the URL Twilio signed. */
  trustProxy: boolean;
  /**
   * A keyword-shaped text ("yes", "cancel") within this long after the bot asked a question is
   * an answer for the agents (default 30 minutes).
   */
  answerWindowMs?: number;
}

export interface SmsAdapterDeps {
  /** Used before the adapter is attached; the channel context's logger afterwards. */
  logger?: Logger;
  /** Media downloads (tests may count or fail them). */
  fetch?: typeof fetch;
}

/** The customer-facing compliance keywords (CTIA / Twilio Advanced Opt-Out defaults). */
export type SmsKeyword = 'stop' | 'start' | 'help';

/** An inbound SMS/MMS webhook, validated. */
export interface SmsWebhook {
  messageSid: string;
  accountSid: string;
  /** The customer's number in E.164 (as sent when it is not a phone number, e.g. a short code). */
  from: string;
  /** Our number the customer wrote to, E.164. */
  to: string;
  messagingServiceSid: string | null;
  body: string;
  media: { url: string; contentType: string }[];
}

/** A message status callback. */
export interface SmsStatusCallback {
  messageSid: string;
  /** Twilio's MessageStatus as sent (queued, sent, delivered, undelivered, failed…). */
  status: string;
  errorCode: string | null;
  to: string | null;
}
