import type { Config } from '../../config/env.ts';
import type { Logger } from '../../src/core/ports.ts';

/** The email section of the configuration (config/env.ts), present when the channel is on. */
export type EmailConfig = NonNullable<Config['email']>;

/** Timings of the IMAP poller; tests shorten them. */
export interface EmailTiming {
  /** How long the poller's lease on a mailbox lasts without renewal. */
  leaseTtlMs: number;
  /** Safety-net poll (and lease renewal) while IDLE waits; the polling interval where IDLE is missing. */
  pollIntervalMs: number;
  /** First reconnect delay after the server drops the connection; doubles up to `reconnectMaxMs`. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
}

export interface EmailAdapterDeps {
  /** The poller's logger; the application's (from `start()`) when absent. */
  logger?: Logger;
  /** Who holds the mailbox lease (defaults to host, pid and a random suffix). */
  holderId?: string;
  timing?: Partial<EmailTiming>;
}

/** A mail server address parsed from EMAIL_IMAP_URL / EMAIL_SMTP_URL. */
export interface ServerUrl {
  host: string;
  port: number;
  /** Implicit TLS (imaps://, smtps://); otherwise STARTTLS is used, and required off loopback. */
  secure: boolean;
  user: string;
  pass: string;
}

/** Where the poller is in a mailbox, kept in the channel context's cursors. */
export interface MailboxCursor {
  uidValidity: string;
  lastUid: number;
  /** Internal date of the last handled message: bounds the rescan after a UIDVALIDITY change. */
  lastDate: number | null;
}
