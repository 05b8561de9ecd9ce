/**
 * The email channel: IMAP in (a leased poller per mailbox, see poller.ts), SMTP out (send.ts).
 * Email has no webhooks, so it serves no HTTP routes: inbound mail arrives through `start()`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { ConfigError } from '../../src/core/errors.ts';
import type { ChannelAdapter, ChannelContext } from '../../src/core/ports.ts';
import { carriesEveryReplyType } from '../../src/core/reply-attachments.ts';
import { imapOptions, startImapPoller, type ImapPoller } from './poller.ts';
import { createEmailSender, smtpOptions, type EmailSender } from './send.ts';
import type { EmailAdapterDeps, EmailConfig, EmailTiming } from './types.ts';
import { parseServerUrl } from './urls.ts';

export type { EmailAdapterDeps, EmailConfig, EmailTiming } from './types.ts';

const DEFAULT_TIMING: EmailTiming = { leaseTtlMs: 60_000, pollIntervalMs: 30_000, reconnectMinMs: 1_000, reconnectMaxMs: 60_000 };

/** Our address: EMAIL_ADDRESS, else an SMTP or IMAP user name that is an address. */
function supportAddressOf(config: EmailConfig, users: string[]): string {
  const address = config.address ?? users.find((user) => /^[^\s@]+@[^\s@]+$/.test(user));
  if (!address) throw new ConfigError('EMAIL_ADDRESS is required when the mail user names are not addresses (example: EMAIL_ADDRESS=support@example.com)');
  return address.toLowerCase();
}

/** The email channel: always has a poller to start and stop. */
export interface EmailAdapter extends ChannelAdapter {
  /** Our support address (From of replies; base of the reply-address tokens). */
  readonly address: string;
  /** Email serves no HTTP routes. */
  attach(context: ChannelContext): null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The email channel adapter for the configuration's mailbox and SMTP server. */
export function createEmailAdapter(config: EmailConfig, deps: EmailAdapterDeps = {}): EmailAdapter {
  const imap = parseServerUrl(config.imapUrl, 'EMAIL_IMAP_URL');
  const smtp = parseServerUrl(config.smtpUrl, 'EMAIL_SMTP_URL');
  const address = supportAddressOf(config, [smtp.user, imap.user]);
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const holder = deps.holderId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  // Re-created after stop(), so a stopped adapter can start again (tests, a paused channel).
  let sender: EmailSender | null = null;
  const getSender = () => (sender ??= createEmailSender(smtp, address));
  let poller: ImapPoller | null = null;
  let context: ChannelContext | null = null;

  return {
    kind: 'email',
    address,
    replyAttachments: carriesEveryReplyType('email'),
    send: (message) => getSender().send(message),
    attach(ctx) {
      context = ctx;
      return null;
    },
    async start() {
      if (poller) return;
      if (!context) throw new Error('the email adapter was started before it was attached');
      const logger = deps.logger ?? context.logger;
      poller = startImapPoller({ config, imap, supportAddress: address, holder, timing, context: { ...context, logger } });
    },
    async stop() {
      const running = poller;
      poller = null;
      await running?.stop();
      sender?.close();
      sender = null;
    },
  };
}

/**
 * Logs in to both servers for `frontdesk doctor`: never throws, answers one line per server
 * ("OK …" or "FAILED: …"); no secrets in the lines.
 */
export async function probeEmail(config: EmailConfig): Promise<{ imap: string; smtp: string }> {
  const describe = (error: unknown) => {
    const err = error as { responseText?: string; response?: string; message?: string; code?: string };
    return `FAILED: ${err.responseText ?? err.response ?? err.message ?? String(error)}${err.code ? ` (${err.code})` : ''}`;
  };
  const probeImap = async () => {
    const server = parseServerUrl(config.imapUrl, 'EMAIL_IMAP_URL');
    const client = new ImapFlow({ ...imapOptions(server), connectionTimeout: 15_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const status = await client.status(config.folder, { messages: true, unseen: true });
      if (!status) return `FAILED: folder ${config.folder} not found`;
      return `OK ${server.host}:${server.port} (${config.folder}: ${status.messages ?? 0} messages, ${status.unseen ?? 0} unread; IDLE ${client.capabilities.has('IDLE') ? 'supported' : 'missing, polling'})`;
    } catch (error) {
      return describe(error);
    } finally {
      await client.logout().catch(() => client.close());
    }
  };
  const probeSmtp = async () => {
    const server = parseServerUrl(config.smtpUrl, 'EMAIL_SMTP_URL');
    const transport = nodemailer.createTransport({ ...smtpOptions(server), connectionTimeout: 15_000 });
    try {
      await transport.verify();
      return `OK ${server.host}:${server.port} (${server.secure ? 'TLS' : 'STARTTLS'}${server.user ? ', logged in' : ''})`;
    } catch (error) {
      return describe(error);
    } finally {
      transport.close();
    }
  };
  const [imapResult, smtpResult] = await Promise.all([probeImap(), probeSmtp()]);
  return { imap: imapResult, smtp: smtpResult };
}
