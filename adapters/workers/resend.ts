/**
 * Email replies on Workers through Resend's HTTP API (POST /emails), over fetch: Workers cannot
 * hold an SMTP session the way nodemailer does on Node. Resend because it takes what a support
 * reply needs in one JSON request — the threading headers (In-Reply-To, References), Reply-To
 * (the conversation's token address), CC, HTML and text, attachments — and an Idempotency-Key, so
 * an attempt repeated after a crash is not a second mail. RESEND_API_URL points it elsewhere.
 * The message is the one adapters/email/send.ts writes (format.ts, threading.ts, replyRecipients).
 */
import { DeliveryError } from '../../src/core/errors.ts';
import { retryAfterMs } from '../../src/core/http-responses.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { renderReply } from '../email/format.ts';
import { replyRecipients } from '../email/send.ts';
import { outboundMessageId, outboundReferences, replySubject, tokenAddress } from '../email/threading.ts';
import { base64 } from './web-crypto.ts';

const RESEND_API = 'https://api.resend.com';
const TIMEOUT_MS = 15_000;

export interface ResendConfig {
  apiKey: string;
  apiUrl: string | null;
  /** The support address replies come from. */
  address: string;
}

/** An attachment as Resend takes it: the bytes in base64, or a URL Resend fetches. */
type ResendAttachment = { filename: string; content: string; content_type: string } | { filename: string; path: string };

const mailbox = (a: { address: string; name?: string | null }) => (a.name ? `"${a.name.replace(/["\\]/g, '')}" <${a.address}>` : a.address);

/** Resend's JSON for one reply: the same recipients, subject, threading and body as the SMTP sender writes. */
export function resendEmail(message: OutboundMessage, from: string) {
  const messageId = outboundMessageId(message.messageId, from.slice(from.lastIndexOf('@') + 1));
  const references = outboundReferences(message.thread.references.filter((id) => id !== messageId));
  const { to, cc } = replyRecipients(message);
  return {
    messageId,
    body: {
      from,
      to: [mailbox(to)],
      ...(cc.length > 0 ? { cc } : {}),
      reply_to: tokenAddress(from, message.conversationId),
      subject: replySubject(message.subject),
      ...renderReply(message),
      headers: {
        'Message-ID': messageId,
        ...(references.length > 0 ? { 'In-Reply-To': references.at(-1)!, References: references.join(' ') } : {}),
        // No out-of-office answers, and bot mail marked automatic (RFC 3834): no loops.
        'X-Auto-Response-Suppress': 'All',
        ...(message.authorKind === 'bot' ? { 'Auto-Submitted': 'auto-replied' } : {}),
      },
      attachments: message.attachments.flatMap((a): ResendAttachment[] =>
        a.data ? [{ filename: a.filename, content: base64(a.data), content_type: a.contentType }] : a.url && /^https?:\/\//i.test(a.url) ? [{ filename: a.filename, path: a.url }] : [],
      ),
    },
  };
}

/** Sends replies from the support address; the idempotency key is the reply's id. */
export function createResendSender(config: ResendConfig, fetchImpl: typeof fetch = fetch) {
  const url = `${(config.apiUrl ?? RESEND_API).replace(/\/$/, '')}/emails`;
  return async function send(message: OutboundMessage): Promise<DeliveryResult> {
    const { messageId, body } = resendEmail(message, config.address);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.apiKey}`, 'content-type': 'application/json', 'idempotency-key': message.messageId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new DeliveryError(`Resend could not be reached: ${error instanceof Error ? error.message : String(error)}`, { retryable: true, code: 'resend_unreachable', cause: error });
    }
    if (response.ok) return { status: 'sent', providerMessageId: messageId };
    const detail = (await response.text()).slice(0, 300);
    const retryable = response.status === 429 || response.status >= 500;
    throw new DeliveryError(`Resend answered HTTP ${response.status}: ${detail}`, {
      retryable,
      code: `resend_http_${response.status}`,
      ...(retryable ? { retryAfterMs: retryAfterMs(response.headers.get('retry-after')) } : {}),
    });
  };
}
