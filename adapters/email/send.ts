/**
 * Outbound mail over SMTP with nodemailer: a threaded reply (Message-ID, In-Reply-To,
 * References, a `Re:` subject, a Reply-To carrying the conversation token), text and HTML
 * parts, attachments. SMTP failures become DeliveryErrors the outbox can retry or give up on.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { DeliveryError } from '../../src/core/errors.ts';
import type { DeliveryResult, OutboundMessage } from '../../src/core/ports.ts';
import { renderReply } from './format.ts';
import { outboundMessageId, outboundReferences, replySubject, tokenAddress } from './threading.ts';
import type { ServerUrl } from './types.ts';
import { isLoopback } from './urls.ts';

/** SMTP transport options: implicit TLS for smtps://, STARTTLS required for smtp:// off loopback. */
export function smtpOptions(server: ServerUrl): SMTPTransport.Options {
  return {
    host: server.host,
    port: server.port,
    secure: server.secure,
    requireTLS: !server.secure && !isLoopback(server.host),
    ...(server.user ? { auth: { user: server.user, pass: server.pass } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

/** A DeliveryError from a nodemailer failure: 4xx and network errors are retryable, 5xx are not. */
export function toDeliveryError(error: unknown): DeliveryError {
  const err = error as { responseCode?: number; code?: string; message?: string };
  const code = typeof err.responseCode === 'number' ? err.responseCode : null;
  const message = `SMTP ${code ?? err.code ?? 'error'}: ${(err.message ?? String(error)).slice(0, 500)}`;
  if (code !== null) return new DeliveryError(message, { retryable: code < 500, code: `smtp_${code}`, cause: error });
  // No SMTP reply code: the connection failed (ECONNECTION, ETIMEDOUT, ESOCKET…), worth another
  // attempt; rejected credentials without a code will not fix themselves.
  return new DeliveryError(message, { retryable: err.code !== 'EAUTH', code: 'smtp_failed', cause: error });
}

function attachmentsOf(message: OutboundMessage): Mail.Attachment[] {
  return message.attachments.flatMap((a): Mail.Attachment[] => {
    if (a.data) return [{ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.data) }];
    if (a.url && /^https?:\/\//i.test(a.url)) return [{ filename: a.filename, contentType: a.contentType, path: a.url }];
    return [];
  });
}

interface ReplyAddress {
  address: string;
  name?: string | null;
}

/**
 * Who our reply goes to: the person who wrote the latest inbound mail (its Reply-To or From,
 * recorded by parse.ts as `meta.email.replyTo`) with the people they had in To/CC, not the
 * conversation's first address. Without an inbound mail (a staff-started message) it is the
 * conversation's address, alone.
 */
export function replyRecipients(message: Pick<OutboundMessage, 'to' | 'thread'>): { to: ReplyAddress; cc: string[] } {
  const email = (message.thread.lastInbound?.meta?.email ?? null) as { replyTo?: ReplyAddress; cc?: unknown } | null;
  const to = email?.replyTo && typeof email.replyTo.address === 'string' ? email.replyTo : message.to;
  const cc = Array.isArray(email?.cc) ? email.cc.filter((a): a is string => typeof a === 'string' && a.toLowerCase() !== to.address.toLowerCase()) : [];
  return { to, cc };
}

export interface EmailSender {
  send(message: OutboundMessage): Promise<DeliveryResult>;
  close(): void;
}

/** Sends replies from `fromAddress` through the SMTP server. */
export function createEmailSender(server: ServerUrl, fromAddress: string): EmailSender {
  const transport = nodemailer.createTransport(smtpOptions(server));
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1);

  return {
    async send(message) {
      const messageId = outboundMessageId(message.messageId, domain);
      const references = outboundReferences(message.thread.references.filter((id) => id !== messageId));
      const { text, html } = renderReply(message);
      const { to, cc } = replyRecipients(message);
      try {
        await transport.sendMail({
          from: fromAddress,
          to: to.name ? { name: to.name, address: to.address } : to.address,
          ...(cc.length > 0 ? { cc } : {}),
          replyTo: tokenAddress(fromAddress, message.conversationId),
          subject: replySubject(message.subject),
          messageId,
          ...(references.length > 0 ? { inReplyTo: references[references.length - 1], references } : {}),
          text,
          html,
          attachments: attachmentsOf(message),
          headers: {
            // Ask out-of-office responders not to answer, and mark bot mail as automatic (RFC 3834): no loops.
            'X-Auto-Response-Suppress': 'All',
            ...(message.authorKind === 'bot' ? { 'Auto-Submitted': 'auto-replied' } : {}),
          },
        });
      } catch (error) {
        throw toDeliveryError(error);
      }
      return { status: 'sent', providerMessageId: messageId };
    },
    close: () => transport.close(),
  };
}
