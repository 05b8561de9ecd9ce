/**
 * The email channel on Workers: mail comes in through an Email Workers route (worker.ts's
 * `email()` handler hands the raw message here) and is read by adapters/email/parse.ts, the parser
 * the IMAP poller uses; replies go out through Resend (resend.ts). The conversation checks the
 * poller makes before ingesting (reply-address token, reused Message-ID) are made the same way.
 */
import { FrontdeskError } from '../../src/core/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../../src/core/ports.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import { parseEmail } from '../email/parse.ts';
import { createResendSender, type ResendConfig } from './resend.ts';

export interface WorkersEmailConfig extends ResendConfig {
  maxAttachmentBytes: number;
}

/** What became of one inbound mail: taken (stored or a duplicate), ignored (our own), or refused with the reason. */
export type EmailOutcome = { kind: 'received'; messageId: string; duplicate: boolean } | { kind: 'ignored'; reason: string } | { kind: 'refused'; reason: string };

export interface WorkersEmailAdapter extends ChannelAdapter {
  /** Ingests one raw RFC 5322 message (after `attach`); the reply is computed after this resolves. */
  receive(raw: Uint8Array): Promise<EmailOutcome>;
}

export function createWorkersEmailAdapter(config: WorkersEmailConfig): WorkersEmailAdapter {
  let context: ChannelContext | null = null;

  async function receive(raw: Uint8Array): Promise<EmailOutcome> {
    if (!context) throw new Error('the email adapter is not attached');
    const { conversations, inbound: pipeline, clock } = context;
    const parsed = await parseEmail(Buffer.from(raw), { maxAttachmentBytes: config.maxAttachmentBytes, supportAddress: config.address, receivedAt: clock.now() });
    if (parsed.fromUs) return { kind: 'ignored', reason: 'our own mail' };
    const { inbound } = parsed;
    // The token names the conversation only for its own contact (adapters/email/poller.ts).
    if (parsed.token) {
      const conversation = await conversations.ownedBy(parsed.token, 'email', inbound.from.address);
      if (conversation) inbound.thread.conversationId = conversation.id;
    }
    // A reused Message-ID with other words is a broken mailer, not a re-delivery: keep both.
    const existing = await conversations.messageByProviderId('email', inbound.providerMessageId!);
    const existingHash = (existing?.meta?.email as { contentHash?: string } | undefined)?.contentHash;
    if (existing?.direction === 'inbound' && existingHash && existingHash !== parsed.contentHash) inbound.providerMessageId = `${inbound.providerMessageId}#${parsed.contentHash.slice(0, 16)}`;
    try {
      const result = await pipeline.receive(inbound);
      return { kind: 'received', messageId: result.message.id, duplicate: result.duplicate };
    } catch (error) {
      // Mail the pipeline refuses goes back to the sending server as a rejection, not a retry.
      if (error instanceof FrontdeskError && error.status < 500) return { kind: 'refused', reason: error.message };
      throw error;
    }
  }

  return {
    kind: 'email',
    replyAttachments: carriesEveryReplyType('email'),
    send: createResendSender(config),
    receive,
    // Mail arrives through worker.ts's email() handler, not over HTTP: no routes.
    attach(ctx) {
      context = ctx;
      return null;
    },
  };
}
