/**
 * The email channel against real servers: Dovecot for the mailboxes, an SMTP server that
 * delivers into them. A customer's mail goes in over IMAP, the reply comes out over SMTP into
 * the customer's mailbox, and the customer's answer to it joins the same conversation.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmailAdapter, probeEmail } from '../../adapters/email/index.ts';
import type { EmailTiming } from '../../adapters/email/types.ts';
import { loadConfig } from '../../config/env.ts';
import type { AgentRunResult, Logger, Store } from '../../src/core/ports.ts';
import { createTestFrontdesk, scriptedEngine } from '../support/frontdesk.ts';
import { dovecotUnavailable, startDovecot, startSmtpSink, type DovecotServer, type SmtpSink } from '../support/mail-servers.ts';
import { describeWithService } from '../support/services.ts';

const SUPPORT = 'support@northwind.test';
const USERS: Record<string, string> = {
  [SUPPORT]: 'support-secret',
  'e2e@northwind.test': 'secret-1',
  'restart@northwind.test': 'secret-2',
  'bad@northwind.test': 'secret-3',
  'uidv@northwind.test': 'secret-4',
  'drop@northwind.test': 'secret-5',
  'lease@northwind.test': 'secret-6',
  'moved@northwind.test': 'secret-7',
  'token@northwind.test': 'secret-8',
  'jane@example.org': 'jane-secret',
  'people@northwind.test': 'secret-9',
  'kim.home@example.org': 'kim-secret',
  'colleague@example.org': 'colleague-secret',
  'priya@example.in': 'priya-secret',
};
const FAST: Partial<EmailTiming> = { pollIntervalMs: 250, leaseTtlMs: 15_000, reconnectMinMs: 50, reconnectMaxMs: 500 };

const fixture = (name: string) => readFileSync(new URL(`../fixtures/email/${name}`, import.meta.url));
const reply = (text = 'Thanks for writing, we are on it.'): AgentRunResult => ({ agent: 'faq', route: 'faq', confidence: 0.9, text });

/** Polls until `check` returns something truthy (nothing to await: mail arrives over IMAP). */
async function until<T>(check: () => Promise<T> | T, what: string, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function mail(headers: Record<string, string>, body: string): string {
  const lines = Object.entries({ Date: new Date().toUTCString(), 'MIME-Version': '1.0', 'Content-Type': 'text/plain; charset=utf-8', ...headers }).map(
    ([k, v]) => `${k}: ${v}`,
  );
  return `${lines.join('\r\n')}\r\n\r\n${body.replace(/\r?\n/g, '\r\n')}\r\n`;
}

async function inboundCount(store: Store) {
  const conversations = await store.repo.listConversations({ channel: 'email', limit: 100 });
  let count = 0;
  for (const c of conversations) {
    const messages = await store.repo.listMessages(c.id, { limit: 500 });
    count += messages.filter((m) => m.direction === 'inbound').length;
  }
  return count;
}

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger: Logger & { lines: string[] } = {
    lines,
    debug: () => undefined,
    info: (obj, msg) => lines.push(typeof obj === 'string' ? obj : (msg ?? '')),
    warn: (obj, msg) => lines.push(typeof obj === 'string' ? obj : (msg ?? '')),
    error: (obj, msg) => lines.push(typeof obj === 'string' ? obj : (msg ?? '')),
    child: () => logger,
  };
  return logger;
}

const describeDovecot = describeWithService('Dovecot', dovecotUnavailable());

describeDovecot('email channel (Dovecot + SMTP)', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpSink;
  const temp = mkdtempSync(join(tmpdir(), 'frontdesk-email-'));

  beforeAll(async () => {
    dovecot = await startDovecot(USERS);
    smtp = await startSmtpSink(dovecot, USERS);
  });
  afterAll(async () => {
    await smtp?.stop();
    await dovecot?.stop();
    rmSync(temp, { recursive: true, force: true });
  });

  const emailConfig = (user: string, extra: Record<string, string> = {}) =>
    loadConfig({
      EMAIL_IMAP_URL: dovecot.imapUrl(user),
      EMAIL_SMTP_URL: smtp.url,
      EMAIL_ADDRESS: user,
      ...extra,
    }).email!;

  it('answers a new mail in the customer mailbox, threads the answer back in, and triage sees only the new words', async () => {
    const engine = scriptedEngine(() => reply('Your order NW-10004 is on its way.'));
    const adapter = createEmailAdapter(emailConfig('e2e@northwind.test'), { timing: FAST });
    const frontdesk = await createTestFrontdesk({ adapters: [adapter], engine });
    await frontdesk.start(100);
    try {
      await dovecot.append(
        'e2e@northwind.test',
        mail(
          { From: 'Jane Doe <Jane@Example.org>', To: 'e2e@northwind.test', Subject: 'Where is my order NW-10004?', 'Message-ID': '<first-mail@example.org>' },
          'Hello, my order NW-10004 has not arrived yet.\n\nJane',
        ),
      );
      const answer = await until(async () => (await dovecot.messages('jane@example.org')).find((m) => m.source.includes('NW-10004 is on its way')), 'the reply');
      const sent = await simpleParser(answer.source);
      expect(sent.subject).toBe('Re: Where is my order NW-10004?');
      expect(sent.inReplyTo).toBe('<first-mail@example.org>');
      expect(sent.references).toBe('<first-mail@example.org>');
      expect(sent.from?.value[0]?.address).toBe('e2e@northwind.test');
      expect(sent.to).toMatchObject({ value: [{ address: 'jane@example.org', name: 'Jane Doe' }] });
      expect(sent.text).toContain('> Hello, my order NW-10004 has not arrived yet.');

      const [conversation] = await frontdesk.store.repo.listConversations({ channel: 'email' });
      expect(sent.replyTo?.value[0]?.address).toBe(`e2e+${conversation!.id.toLowerCase()}@northwind.test`);
      const contact = (await frontdesk.store.repo.getContact(conversation!.contactId))!;
      expect(contact).toMatchObject({ name: 'Jane Doe', email: 'jane@example.org' });
      const stored = await frontdesk.store.repo.listMessages(conversation!.id);
      expect(stored.find((m) => m.direction === 'outbound')!.providerMessageId).toBe(sent.messageId);
      // Handled mail is marked read in the support mailbox.
      await until(async () => (await dovecot.messages('e2e@northwind.test'))[0]!.flags.has('\\Seen'), '\\Seen flag');

      // The customer answers from her mail client: quoted history and a signature below her words.
      await dovecot.append(
        'e2e@northwind.test',
        mail(
          {
            From: 'Jane Doe <jane@example.org>',
            To: sent.replyTo!.text,
            Subject: 'Re: Re: Where is my order NW-10004?',
            'Message-ID': '<second-mail@example.org>',
            'In-Reply-To': sent.messageId!,
            References: `<first-mail@example.org> ${sent.messageId}`,
          },
          `Great, can I still change the delivery address?\n\nKind regards,\nJane\n\nOn ${sent.date!.toUTCString()}, Northwind <e2e@northwind.test> wrote:\n> ${sent.text!.split('\n').join('\n> ')}`,
        ),
      );
      await until(() => engine.calls.length >= 2, 'the second turn');
      expect(engine.calls[1]!.conversation.id).toBe(conversation!.id);
      expect(engine.calls[1]!.message.text).toBe('Great, can I still change the delivery address?');
      expect(engine.calls[1]!.message.original).toContain('> Your order NW-10004 is on its way.');
      expect(await frontdesk.store.repo.listConversations({ channel: 'email' })).toHaveLength(1);

      // A new subject from the same person is a new conversation.
      await dovecot.append(
        'e2e@northwind.test',
        mail({ From: 'jane@example.org', To: 'e2e@northwind.test', Subject: 'Gift cards', 'Message-ID': '<third-mail@example.org>' }, 'Do you sell gift cards?'),
      );
      await until(() => engine.calls.length >= 3, 'the third mail');
      expect(engine.calls[2]!.conversation.id).not.toBe(conversation!.id);
    } finally {
      await frontdesk.stop();
    }
  });

  it('handles mail that arrived while Frontdesk was down exactly once after a restart', async () => {
    const env = { SQLITE_PATH: join(temp, 'restart.db') };
    const config = emailConfig('restart@northwind.test');
    const first = scriptedEngine(() => reply());
    let frontdesk = await createTestFrontdesk({ adapters: [createEmailAdapter(config, { timing: FAST })], engine: first, env });
    await frontdesk.start(100);
    await dovecot.append('restart@northwind.test', mail({ From: 'a@example.org', Subject: 'One', 'Message-ID': '<r1@example.org>' }, 'First question'));
    await until(() => first.calls.length === 1, 'the first mail');
    await frontdesk.stop();

    await dovecot.append('restart@northwind.test', mail({ From: 'b@example.org', Subject: 'Two', 'Message-ID': '<r2@example.org>' }, 'Asked while you were down'));
    // Read by someone in webmail meanwhile: still ours, the cursor is by UID, not by \Seen.
    await dovecot.append('restart@northwind.test', mail({ From: 'c@example.org', Subject: 'Three', 'Message-ID': '<r3@example.org>' }, 'Also while down'), 'INBOX', ['\\Seen']);

    const second = scriptedEngine(() => reply());
    frontdesk = await createTestFrontdesk({ adapters: [createEmailAdapter(config, { timing: FAST })], engine: second, env });
    await frontdesk.start(100);
    try {
      await until(() => second.calls.length === 2, 'the mail that arrived while down');
      expect(second.calls.map((c) => c.message.text).sort()).toEqual(['Also while down', 'Asked while you were down']);
      // Give a wrongly repeating poller a few cycles to show itself.
      await new Promise((r) => setTimeout(r, 600));
      expect(second.calls).toHaveLength(2);
      expect(await inboundCount(frontdesk.store)).toBe(3);
    } finally {
      await frontdesk.stop();
    }
  });

  it('stores bad and odd mail without losing or duplicating any, and never answers automatic mail', async () => {
    const engine = scriptedEngine(() => reply());
    const adapter = createEmailAdapter(emailConfig('bad@northwind.test'), { timing: FAST });
    const frontdesk = await createTestFrontdesk({ adapters: [adapter], engine });
    await frontdesk.start(100);
    try {
      const user = 'bad@northwind.test';
      const big = Buffer.alloc(20 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
      const raws: (string | Buffer)[] = [
        fixture('malformed.eml'),
        fixture('latin1-headers.eml'),
        fixture('no-text.eml'),
        fixture('auto-reply.eml'),
        fixture('bounce.eml'),
        mail({ From: 'dup@example.org', Subject: 'Twice', 'Message-ID': '<dup@example.org>' }, 'Same mail delivered twice'),
        mail({ From: 'dup@example.org', Subject: 'Twice', 'Message-ID': '<dup@example.org>' }, 'Same mail delivered twice'),
        mail({ From: 'reuse@example.org', Subject: 'Broken mailer', 'Message-ID': '<reused@example.org>' }, 'First words'),
        mail({ From: 'reuse@example.org', Subject: 'Broken mailer', 'Message-ID': '<reused@example.org>' }, 'Different words, same id'),
        [
          'From: Big Sender <big@example.org>',
          'Subject: Photos of the damage',
          'Message-ID: <big@example.org>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/mixed; boundary="B"',
          '',
          '--B',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'The parcel was crushed, photos attached.',
          '--B',
          'Content-Type: application/zip; name="photos.zip"',
          'Content-Disposition: attachment; filename="photos.zip"',
          'Content-Transfer-Encoding: base64',
          '',
          big,
          '--B--',
          '',
        ].join('\r\n'),
      ];
      let lastUid = 0;
      for (const raw of raws) lastUid = (await dovecot.append(user, raw)) ?? lastUid;
      await until(async () => {
        const cursor = (await frontdesk.store.repo.getCursor('email', `${user}@127.0.0.1:${dovecot.port}/inbox`)) as { lastUid: number } | null;
        return cursor && cursor.lastUid >= lastUid;
      }, 'every message handled', 30_000);
      await frontdesk.pipeline.idle();

      const byId = async (id: string) => frontdesk.store.repo.findMessageByProviderId('email', id);
      expect(await inboundCount(frontdesk.store)).toBe(raws.length - 1); // only the true duplicate is dropped
      expect((await byId('<8bit-headers-1@old-mailer.example>'))!.subject).toBe('Café order – not delivered');
      expect((await byId('<malformed-1@mailer.example>'))!.text).toContain('my package arrived broken');
      expect((await byId('<no-text-1@example.org>'))!.text).toBe('[1 attachment(s), no text]');
      const reused = await frontdesk.store.repo.listMessages((await byId('<reused@example.org>'))!.conversationId);
      expect(reused.filter((m) => m.direction === 'inbound').map((m) => m.text)).toEqual(['First words', 'Different words, same id']);

      const bigMessage = (await byId('<big@example.org>'))!;
      const [attachment] = await frontdesk.store.repo.listAttachments([bigMessage.id]);
      expect(attachment).toMatchObject({ filename: 'photos.zip', size: 20 * 1024 * 1024 });
      expect((await frontdesk.store.repo.getAttachmentData(attachment!.id))!.data ?? null).toBeNull();
      expect(bigMessage.meta).toMatchObject({ email: { omittedAttachments: [{ filename: 'photos.zip', size: 20 * 1024 * 1024 }] } });

      for (const id of ['<ooo-4711@contoso.example>', '<bounce-20261125090500.ABC123@mx.northwind.test>']) {
        const message = (await byId(id))!;
        expect(message.agentStatus).toBe('skipped');
        const thread = await frontdesk.store.repo.listMessages(message.conversationId);
        expect(thread.filter((m) => m.direction === 'outbound')).toHaveLength(0);
      }
      expect(engine.calls.map((c) => c.message.providerMessageId)).not.toContain('<ooo-4711@contoso.example>');
    } finally {
      await frontdesk.stop();
    }
  });

  it('rescans safely after a UIDVALIDITY change: nothing repeated, nothing missed', async () => {
    const user = 'uidv@northwind.test';
    const engine = scriptedEngine(() => reply());
    const config = emailConfig(user, { EMAIL_FOLDER: 'Support' });
    const adapter = createEmailAdapter(config, { timing: FAST });
    const frontdesk = await createTestFrontdesk({ adapters: [adapter], engine });
    const key = `${user}@127.0.0.1:${dovecot.port}/support`;
    const one = mail({ From: 'u1@example.org', Subject: 'One', 'Message-ID': '<u1@example.org>' }, 'First');
    const two = mail({ From: 'u2@example.org', Subject: 'Two', 'Message-ID': '<u2@example.org>' }, 'Second');
    await dovecot.append(user, one, 'Support');
    await frontdesk.start(100);
    try {
      await dovecot.append(user, two, 'Support');
      await until(() => engine.calls.length === 2, 'the first two mails');
      const before = await until(async () => {
        const cursor = (await frontdesk.store.repo.getCursor('email', key)) as { uidValidity: string; lastUid: number } | null;
        return cursor && cursor.lastUid >= 2 ? cursor : null;
      }, 'the cursor past both mails');
      await adapter.stop();

      // The server rebuilt the folder (a migration or index repair): new UIDVALIDITY, same mail, unread again.
      const client = await dovecot.connect(user);
      await client.mailboxDelete('Support');
      await client.mailboxCreate('Support');
      await client.logout();
      await dovecot.append(user, one, 'Support');
      await dovecot.append(user, two, 'Support');
      await dovecot.append(user, mail({ From: 'u3@example.org', Subject: 'Three', 'Message-ID': '<u3@example.org>' }, 'Third'), 'Support');

      await adapter.start();
      await until(() => engine.calls.length === 3, 'the new mail after the rescan');
      await until(async () => ((await frontdesk.store.repo.getCursor('email', key)) as { uidValidity: string }).uidValidity !== before.uidValidity, 'the new UIDVALIDITY stored');
      await new Promise((r) => setTimeout(r, 600));
      expect(engine.calls.map((c) => c.message.text)).toEqual(['First', 'Second', 'Third']);
      expect(await inboundCount(frontdesk.store)).toBe(3);
    } finally {
      await frontdesk.stop();
    }
  });

  it('reconnects when the server drops the connection', async () => {
    const user = 'drop@northwind.test';
    const engine = scriptedEngine(() => reply());
    const logger = captureLogger();
    const frontdesk = await createTestFrontdesk({ adapters: [createEmailAdapter(emailConfig(user), { timing: FAST, logger })], engine });
    await frontdesk.start(100);
    try {
      await until(() => logger.lines.includes('watching mailbox'), 'the first session');
      dovecot.kickAll();
      await until(() => logger.lines.filter((l) => l === 'watching mailbox').length >= 2, 'a new session after the drop');
      await dovecot.append(user, mail({ From: 'x@example.org', Subject: 'After the drop', 'Message-ID': '<drop@example.org>' }, 'Still there?'));
      await until(() => engine.calls.length === 1, 'mail after the reconnect');
    } finally {
      await frontdesk.stop();
    }
  });

  it('lets one replica poll a mailbox at a time and hands over when it stops', async () => {
    const user = 'lease@northwind.test';
    const engine = scriptedEngine(() => reply());
    const config = emailConfig(user);
    const logA = captureLogger();
    const logB = captureLogger();
    const a = createEmailAdapter(config, { timing: FAST, logger: logA, holderId: 'replica-a' });
    const b = createEmailAdapter(config, { timing: FAST, logger: logB, holderId: 'replica-b' });
    const frontdesk = await createTestFrontdesk({ adapters: [a], engine });
    await frontdesk.start(100);
    try {
      await until(() => logA.lines.includes('watching mailbox'), 'replica A watching');
      b.attach(frontdesk.channel);
      await b.start();
      await dovecot.append(user, mail({ From: 'l1@example.org', Subject: 'L1', 'Message-ID': '<l1@example.org>' }, 'To A'));
      await until(() => engine.calls.length === 1, 'mail handled by A');
      await new Promise((r) => setTimeout(r, 500));
      expect(logB.lines).not.toContain('watching mailbox');

      await a.stop(); // releases the lease
      await until(() => logB.lines.includes('watching mailbox'), 'replica B taking over');
      await dovecot.append(user, mail({ From: 'l2@example.org', Subject: 'L2', 'Message-ID': '<l2@example.org>' }, 'To B'));
      await until(() => engine.calls.length === 2, 'mail handled by B');
      expect(logA.lines.filter((l) => l === 'email received')).toHaveLength(1);
      expect(logB.lines.filter((l) => l === 'email received')).toHaveLength(1);
    } finally {
      await b.stop();
      await frontdesk.stop();
    }
  });

  it('threads by the reply-address token when a client drops the headers, but only for the same sender', async () => {
    const user = 'token@northwind.test';
    const engine = scriptedEngine(() => reply());
    const frontdesk = await createTestFrontdesk({ adapters: [createEmailAdapter(emailConfig(user), { timing: FAST })], engine });
    await frontdesk.start(100);
    try {
      await dovecot.append(user, mail({ From: 'kim@example.org', Subject: 'Broken zip', 'Message-ID': '<t1@example.org>' }, 'The zip on my jacket broke.'));
      await until(() => engine.calls.length === 1, 'the first mail');
      const conversationId = engine.calls[0]!.conversation.id;
      const token = `token+${conversationId.toLowerCase()}@northwind.test`;
      await dovecot.append(user, mail({ From: 'Kim <KIM@example.org>', To: token, Subject: 'photo', 'Message-ID': '<t2@example.org>' }, 'Here is a photo.'));
      await dovecot.append(user, mail({ From: 'stranger@example.org', To: token, Subject: 'photo', 'Message-ID': '<t3@example.org>' }, 'Not my conversation.'));
      await until(() => engine.calls.length === 3, 'both answers');
      const byText = (text: string) => engine.calls.find((c) => c.message.text === text)!.conversation.id;
      expect(byText('Here is a photo.')).toBe(conversationId);
      expect(byText('Not my conversation.')).not.toBe(conversationId);
    } finally {
      await frontdesk.stop();
    }
  });

  it('answers the person who wrote with their CC, reads HTML-only mail, answers list mail from a person and never a newsletter', async () => {
    const user = 'people@northwind.test';
    const engine = scriptedEngine((input) => reply(`Answer to: ${input.message.text.slice(0, 60)}`));
    const frontdesk = await createTestFrontdesk({ adapters: [createEmailAdapter(emailConfig(user), { timing: FAST })], engine });
    await frontdesk.start(100);
    try {
      const retarget = (name: string) => fixture(name).toString('utf8').replaceAll('support@northwind.test', user).replaceAll('support+', 'people+');
      await dovecot.append(user, retarget('reply-to-cc.eml'));
      await dovecot.append(user, retarget('html-with-pdf.eml'));
      await dovecot.append(user, retarget('list-person.eml'));
      await dovecot.append(user, retarget('newsletter.eml'));
      await until(() => engine.calls.length >= 3, 'three answered mails');
      await frontdesk.pipeline.idle();

      const home = await until(async () => (await dovecot.messages('kim.home@example.org'))[0], 'the reply at the Reply-To address');
      const answer = await simpleParser(home.source);
      expect(answer.text).toContain('Answer to: Please deliver to my home address instead.');
      expect(answer.to).toMatchObject({ value: [{ address: 'kim.home@example.org', name: 'Kim Lee' }] });
      expect((Array.isArray(answer.cc) ? answer.cc[0] : answer.cc)?.value.map((a) => a.address)).toEqual(['sam@work.example', 'colleague@example.org']);
      // sam@work.example is not a mailbox here and was refused by the server; the colleague got the copy.
      await until(async () => (await dovecot.messages('colleague@example.org')).length === 1, 'the copy for the colleague in CC');

      expect(engine.calls.map((c) => c.message.text)).toContain('Hello,\n\nthe attached invoice INV-2291 charges shipping twice.');
      const priya = await until(async () => (await dovecot.messages('priya@example.in'))[0], 'the private answer to list mail');
      expect((await simpleParser(priya.source)).cc).toBeUndefined();

      const newsletter = (await frontdesk.store.repo.findMessageByProviderId('email', '<newsletter-1@news.acme.example>'))!;
      expect(newsletter.agentStatus).toBe('skipped');
      expect(engine.calls.map((c) => c.message.providerMessageId)).not.toContain('<newsletter-1@news.acme.example>');
    } finally {
      await frontdesk.stop();
    }
  });

  it('moves handled mail to EMAIL_HANDLED_FOLDER instead of marking it read', async () => {
    const user = 'moved@northwind.test';
    const engine = scriptedEngine(() => reply());
    const frontdesk = await createTestFrontdesk({
      adapters: [createEmailAdapter(emailConfig(user, { EMAIL_HANDLED_FOLDER: 'Processed' }), { timing: FAST })],
      engine,
    });
    await frontdesk.start(100);
    try {
      await dovecot.append(user, mail({ From: 'm@example.org', Subject: 'Move me', 'Message-ID': '<m1@example.org>' }, 'Hello'));
      await until(async () => (await dovecot.messages(user, 'Processed')).length === 1, 'the move');
      expect(await dovecot.messages(user)).toHaveLength(0);
      expect(engine.calls).toHaveLength(1);
    } finally {
      await frontdesk.stop();
    }
  });

  it('probes both servers for frontdesk doctor without leaking the password', async () => {
    const good = await probeEmail(emailConfig(SUPPORT));
    expect(good.imap).toMatch(/^OK 127\.0\.0\.1:\d+ \(INBOX: \d+ messages, \d+ unread; IDLE supported\)$/);
    expect(good.smtp).toMatch(/^OK 127\.0\.0\.1:\d+/);
    const bad = await probeEmail({
      ...emailConfig(SUPPORT),
      imapUrl: `imap://${encodeURIComponent(SUPPORT)}:wrong-pass-123@127.0.0.1:${dovecot.port}`,
      smtpUrl: `smtp://${encodeURIComponent(SUPPORT)}:wrong-pass-123@127.0.0.1:${smtp.port}`,
    });
    expect(bad.imap).toMatch(/^FAILED/);
    expect(bad.smtp).toMatch(/^FAILED/);
    expect(JSON.stringify(bad)).not.toContain('wrong-pass-123');
  });
});
