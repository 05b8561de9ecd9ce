/**
 * Real mail servers for the email suites: Dovecot (Debian's dovecot-imapd) on a free loopback
 * port with its whole state in a temp dir, and an smtp-server that delivers what it receives
 * into the recipients' Dovecot mailboxes (APPEND over IMAP), so tests read sent mail as the
 * customer would.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import { freePort } from './free-port.ts';

const DOVECOT = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((path) => existsSync(path)) ?? null;

/** Why Dovecot cannot run here, or null when it can (for describeWithService). */
export function dovecotUnavailable(): string | null {
  if (!DOVECOT) return 'dovecot is not installed (apt-get install -y dovecot-imapd)';
  if (process.getuid?.() !== 0) return 'the Dovecot test server runs as root (it drops to the dovecot/dovenull users)';
  const users = spawnSync('id', ['dovecot']).status === 0 && spawnSync('id', ['dovenull']).status === 0;
  return users ? null : 'the dovecot and dovenull system users are missing';
}

async function waitForPort(port: number, deadlineMs: number, failed: () => string | null): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = netConnect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    const reason = failed();
    if (reason) throw new Error(reason);
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DovecotServer {
  host: string;
  port: number;
  /** imap://user:password@127.0.0.1:port for a user. */
  imapUrl(user: string): string;
  /** A logged-in client for a user (the caller logs out). */
  connect(user: string): Promise<ImapFlow>;
  /** Appends a raw message to a user's folder (creating the folder if needed); returns its UID. */
  append(user: string, raw: string | Buffer, folder?: string, flags?: string[]): Promise<number | undefined>;
  /** Raw sources of a user's folder, oldest first, with their flags. */
  messages(user: string, folder?: string): Promise<{ uid: number; source: string; flags: Set<string> }[]>;
  /** Drops every open IMAP session (as a server restart would); the server keeps listening. */
  kickAll(): void;
  stop(): Promise<void>;
}

/** Starts Dovecot with these users (address → password). */
export async function startDovecot(users: Record<string, string>): Promise<DovecotServer> {
  if (!DOVECOT) throw new Error('dovecot is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'frontdesk-dovecot-'));
  chmodSync(dir, 0o755); // the login and imap processes run as dovenull/dovecot
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  const uid = Number(spawnSync('id', ['-u', 'dovecot']).stdout.toString().trim());
  const gid = Number(spawnSync('id', ['-g', 'dovecot']).stdout.toString().trim());
  chownSync(mail, uid, gid);
  const port = await freePort();
  writeFileSync(
    join(dir, 'passwd'),
    Object.entries(users)
      .map(([user, password]) => `${user}:{PLAIN}${password}::::::`)
      .join('\n') + '\n',
  );
  const config = join(dir, 'dovecot.conf');
  writeFileSync(
    config,
    `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
mail_location = maildir:${mail}/%d/%n
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${mail}/%d/%n
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code ?? -1;
      resolve();
    }),
  );
  const log = () => (existsSync(join(dir, 'dovecot.log')) ? readFileSync(join(dir, 'dovecot.log'), 'utf8') : '');
  try {
    await waitForPort(port, 60_000, () => (exited !== null ? `dovecot exited (${exited}): ${output}\n${log()}` : null));
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const connect = async (user: string) => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: users[user]! }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  return {
    host: '127.0.0.1',
    port,
    imapUrl: (user) => `imap://${encodeURIComponent(user)}:${encodeURIComponent(users[user]!)}@127.0.0.1:${port}`,
    connect,
    async append(user, raw, folder = 'INBOX', flags = []) {
      const client = await connect(user);
      try {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        const result = await client.append(folder, raw, flags);
        return result ? result.uid : undefined;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    async messages(user, folder = 'INBOX') {
      const client = await connect(user);
      try {
        const box = await client.mailboxOpen(folder);
        // A folder created a moment ago can still be empty, and FETCH 1:* on an empty folder is an
        // error, not an empty answer (seen in CI between the adapter's CREATE and its MOVE).
        if (box.exists === 0) return [];
        const list: { uid: number; source: string; flags: Set<string> }[] = [];
        for await (const message of client.fetch('1:*', { uid: true, source: true, flags: true })) {
          list.push({ uid: message.uid, source: message.source!.toString('utf8'), flags: message.flags ?? new Set() });
        }
        return list;
      } catch (error) {
        if ((error as { serverResponseCode?: string }).serverResponseCode === 'NONEXISTENT') return [];
        throw error;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
    kickAll() {
      // doveadm talks to this instance through its base_dir's sockets.
      spawnSync('doveadm', ['-c', config, 'kick', '*'], { stdio: 'ignore' });
    },
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        await exit;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SmtpSink {
  port: number;
  /** smtp://…@127.0.0.1:port */
  url: string;
  /** Every message accepted, in order. */
  received: { from: string; to: string[]; raw: string }[];
  /** Answers the next RCPT TO for this address with an SMTP error (e.g. 550 or 451). */
  rejectNext(address: string, code: number, message?: string): void;
  stop(): Promise<void>;
}

/**
 * An SMTP server on loopback that delivers into Dovecot: `support+tag@x` goes to `support@x`,
 * unknown recipients are refused with 550 as a real server would.
 */
export async function startSmtpSink(dovecot: DovecotServer, users: Record<string, string>): Promise<SmtpSink> {
  const received: SmtpSink['received'] = [];
  const rejections = new Map<string, { code: number; message: string }>();
  const mailboxOf = (address: string) => address.toLowerCase().replace(/\+[^@]*@/, '@');
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (users[auth.username ?? ''] === auth.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const rejection = rejections.get(address.address.toLowerCase());
      if (rejection) {
        rejections.delete(address.address.toLowerCase());
        return callback(Object.assign(new Error(rejection.message), { responseCode: rejection.code }));
      }
      if (!(mailboxOf(address.address) in users)) return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const to = session.envelope.rcptTo.map((r) => r.address);
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to, raw });
        Promise.all(to.map((address) => dovecot.append(mailboxOf(address), raw)))
          .then(() => callback())
          .catch((error: Error) => callback(Object.assign(error, { responseCode: 451 })));
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const [user, password] = Object.entries(users)[0]!;
  return {
    port,
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    received,
    rejectNext: (address, code, message = code >= 500 ? 'Mailbox unavailable' : 'Try again later') =>
      rejections.set(address.toLowerCase(), { code, message }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
