/**
 * The IMAP side of the email channel: one replica at a time (a lease per mailbox) watches the
 * support folder with IDLE (imapflow falls back to NOOP where IDLE is missing, and a periodic
 * poll backs both up), fetches new mail by UID, hands it to the pipeline and marks it handled.
 * The last UID and the UIDVALIDITY are stored after every message, so a restart neither misses
 * nor repeats mail; a UIDVALIDITY change rescans recent mail and the pipeline's Message-ID dedupe
 * drops what was already stored.
 */
import { ImapFlow, type SearchObject } from 'imapflow';
import { FrontdeskError } from '../../src/core/errors.ts';
import type { ChannelContext, Logger } from '../../src/core/ports.ts';
import { parseEmail } from './parse.ts';
import type { EmailConfig, EmailTiming, MailboxCursor, ServerUrl } from './types.ts';
import { isLoopback } from './urls.ts';

const CURSOR_SCOPE = 'email';
const DAY_MS = 86_400_000;

export interface ImapPollerDeps {
  config: EmailConfig;
  imap: ServerUrl;
  supportAddress: string | null;
  holder: string;
  timing: EmailTiming;
  context: ChannelContext;
}

export interface ImapPoller {
  /** Resolves when the poller stopped and released its lease. */
  stop(): Promise<void>;
}

/** imapflow options for a server URL: STARTTLS required for imap:// off loopback. */
export function imapOptions(imap: ServerUrl) {
  return {
    host: imap.host,
    port: imap.port,
    secure: imap.secure,
    ...(imap.secure ? {} : { doSTARTTLS: !isLoopback(imap.host) }),
    auth: { user: imap.user, pass: imap.pass },
    logger: false as const,
    connectionTimeout: 30_000,
    greetingTimeout: 16_000,
  };
}

/** The lease and cursor key of a mailbox: the same account and folder on every replica. */
export function mailboxKey(imap: ServerUrl, folder: string): string {
  return `${imap.user}@${imap.host}:${imap.port}/${folder}`.toLowerCase();
}

function isCursor(value: unknown): value is MailboxCursor {
  const v = value as MailboxCursor | null;
  return !!v && typeof v.uidValidity === 'string' && typeof v.lastUid === 'number';
}

export function startImapPoller(deps: ImapPollerDeps): ImapPoller {
  const { config, imap, timing, context, holder } = deps;
  const { conversations, inbound: pipeline, cursors, leases, clock } = context;
  const key = mailboxKey(imap, config.folder);
  const leaseName = `imap:${key}`;
  const logger: Logger = context.logger.child({ channel: 'email', mailbox: `${imap.host}/${config.folder}` });

  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: (() => void) | null = null;

  /** Waits `ms`, or less when stop() is called. */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const acquire = () => leases.acquire(leaseName, holder, timing.leaseTtlMs);

  async function handle(connection: ImapFlow, uid: number, uidValidity: string): Promise<{ date: number | null }> {
    const fetched = await connection.fetchOne(String(uid), { uid: true, source: true, internalDate: true }, { uid: true });
    if (!fetched || !fetched.source) return { date: null }; // expunged since the search
    const date = fetched.internalDate ? new Date(fetched.internalDate).getTime() : null;
    const parsed = await parseEmail(fetched.source, {
      maxAttachmentBytes: config.maxAttachmentBytes,
      supportAddress: deps.supportAddress,
      receivedAt: clock.now(),
    });
    const { inbound } = parsed;
    const markHandled = () =>
      config.handledFolder ? connection.messageMove(String(uid), config.handledFolder, { uid: true }) : connection.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
    if (parsed.fromUs) {
      logger.info({ uid }, 'our own mail in the mailbox; not a customer message, ignored');
      await markHandled();
      return { date };
    }
    (inbound.meta!.email as Record<string, unknown>).imap = { folder: config.folder, uid, uidValidity };

    // The reply-address token names the conversation, but only its own contact may continue it:
    // a colleague answering from another address falls back to the Message-ID chain.
    if (parsed.token) {
      const conversation = await conversations.ownedBy(parsed.token, 'email', inbound.from.address);
      if (conversation) inbound.thread.conversationId = conversation.id;
    }
    // A reused Message-ID with different words is a broken mailer, not a re-delivery: keep both.
    const existing = await conversations.messageByProviderId('email', inbound.providerMessageId!);
    const existingHash = (existing?.meta?.email as { contentHash?: string } | undefined)?.contentHash;
    if (existing && existing.direction === 'inbound' && existingHash && existingHash !== parsed.contentHash) {
      inbound.providerMessageId = `${inbound.providerMessageId}#${parsed.contentHash.slice(0, 16)}`;
    }

    try {
      const result = await pipeline.receive(inbound);
      logger.info({ uid, messageId: result.message.id, duplicate: result.duplicate, noReply: inbound.noReply ?? false }, 'email received');
    } catch (error) {
      // Mail the pipeline refuses would block the mailbox forever: log it, leave it unread, move on.
      if (!(error instanceof FrontdeskError) || error.status >= 500) throw error;
      logger.error({ uid, code: error.code, error: error.message }, 'email refused by the pipeline; left unread in the mailbox');
      return { date };
    }
    await markHandled();
    return { date };
  }

  /** Fetches and hands over everything after the cursor, one message at a time. */
  async function sync(connection: ImapFlow): Promise<void> {
    const mailbox = connection.mailbox;
    if (!mailbox) return;
    const uidValidity = String(mailbox.uidValidity);
    // Captured before searching: anything that arrives later has a UID at or above it.
    const uidNext = mailbox.uidNext ?? 1;
    const stored = await cursors.get(CURSOR_SCOPE, key);
    const cursor = isCursor(stored) ? stored : null;
    const fresh = !cursor || cursor.uidValidity !== uidValidity;
    let query: SearchObject;
    if (!cursor) {
      // First start on this mailbox: unread mail is for us, old read mail is not.
      query = { seen: false };
    } else if (fresh) {
      logger.warn({ was: cursor.uidValidity, now: uidValidity }, 'UIDVALIDITY changed; rescanning recent mail');
      query = cursor.lastDate ? { or: [{ seen: false }, { since: new Date(cursor.lastDate - 2 * DAY_MS) }] } : { seen: false };
    } else {
      query = { uid: `${cursor.lastUid + 1}:*` };
    }
    const after = fresh ? 0 : cursor!.lastUid;
    const found = (await connection.search(query, { uid: true })) || [];
    // `n:*` names the last message even when its UID is below n.
    const uids = [...new Set(found)].filter((uid) => uid > after).sort((a, b) => a - b);
    let lastDate = cursor?.lastDate ?? null;
    const save = (lastUid: number) => cursors.set(CURSOR_SCOPE, key, { uidValidity, lastUid, lastDate } satisfies MailboxCursor);
    for (const uid of uids) {
      if (stopped) return;
      const { date } = await handle(connection, uid, uidValidity);
      if (date !== null) lastDate = Math.max(lastDate ?? 0, date);
      if (!fresh) await save(uid);
    }
    // A fresh scan skips read mail that was already there, so its cursor jumps to the mailbox's
    // end, once all is done; cut short, it runs again (handled mail is \Seen or moved, and the
    // pipeline drops what it stored already).
    if (fresh) await save(Math.max(uidNext - 1, ...uids, 0));
  }

  /** One connection: sync, then follow the mailbox until the server drops us, the lease is lost or stop(). */
  async function session(): Promise<void> {
    const connection = new ImapFlow({ ...imapOptions(imap), autoIdleDelay: Math.min(1_000, timing.pollIntervalMs) });
    client = connection;
    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    connection.on('error', (error: Error) => logger.warn({ error: error.message }, 'IMAP connection error'));
    let timer: NodeJS.Timeout | null = null;
    try {
      await connection.connect();
      if (config.handledFolder) {
        await connection.mailboxCreate(config.handledFolder).catch(() => undefined); // exists already
      }
      await connection.mailboxOpen(config.folder);
      logger.info({ idle: connection.capabilities.has('IDLE') }, 'watching mailbox');

      let running: Promise<void> | null = null;
      let again = false;
      const schedule = () => {
        if (running) {
          again = true;
          return;
        }
        running = sync(connection)
          .catch((error) => {
            logger.error({ error: (error as Error).message }, 'mailbox sync failed; reconnecting');
            connection.close();
          })
          .finally(() => {
            running = null;
            if (again && !stopped) {
              again = false;
              schedule();
            }
          });
      };
      connection.on('exists', schedule);
      timer = setInterval(() => {
        acquire()
          .then((held) => {
            if (!held) {
              logger.warn('mailbox lease lost to another replica; standing by');
              connection.close();
            } else schedule();
          })
          .catch((error) => logger.warn({ error: (error as Error).message }, 'lease renewal failed'));
      }, Math.min(timing.pollIntervalMs, timing.leaseTtlMs / 3));
      schedule();
      await closed;
      while (running) await running;
    } finally {
      if (timer) clearInterval(timer);
      if (!connection.isClosed) connection.close();
      client = null;
    }
  }

  async function loop(): Promise<void> {
    let delay = timing.reconnectMinMs;
    while (!stopped) {
      let held = false;
      try {
        held = await acquire();
      } catch (error) {
        logger.warn({ error: (error as Error).message }, 'lease check failed');
      }
      if (!held) {
        await pause(Math.min(timing.pollIntervalMs, timing.leaseTtlMs / 3));
        continue;
      }
      const startedAt = Date.now();
      try {
        await session();
      } catch (error) {
        logger.warn({ error: (error as Error).message, retryInMs: delay }, 'IMAP session failed');
      }
      if (stopped) break;
      // A session that lived a while was healthy: start the backoff over.
      if (Date.now() - startedAt > timing.reconnectMaxMs) delay = timing.reconnectMinMs;
      await pause(delay);
      delay = Math.min(delay * 2, timing.reconnectMaxMs);
    }
  }

  const running = loop();

  return {
    async stop() {
      stopped = true;
      wake?.();
      const connection = client;
      if (connection) await connection.logout().catch(() => connection.close());
      await running;
      await leases.release(leaseName, holder).catch(() => undefined);
    },
  };
}
