import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../src/core/errors.ts';
import type { OutboundMessage } from '../../src/core/ports.ts';
import { createEmailSender } from './send.ts';

/** A loopback SMTP server that keeps what it receives and refuses recipients on request. */
function smtpServer() {
  const received: string[] = [];
  const refuse = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address);
      if (code) return callback(Object.assign(new Error(`refused with ${code}`), { responseCode: code }));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'));
        callback();
      });
    },
  });
  return { server, received, refuse };
}

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: '01JR5Z8XQ4M2N7P3K9T6V1W0YB',
  conversationId: '01JR5Z8XQ4M2N7P3K9T6V1W0YA',
  channel: 'email',
  to: { address: 'jane@example.org', name: 'Jane Doe' },
  text: 'Your order NW-10004 is on its way.\n\nTrack it at https://track.example/123',
  subject: 'Where is my order?',
  thread: {
    key: null,
    references: ['<first@example.org>', '<01jr00000000000000000000aa@northwind.test>', '<second@example.org>'],
    lastInbound: { text: 'Where is my order?\nIt was due on Monday.', createdAt: Date.UTC(2026, 10, 24, 9, 30) },
  },
  attachments: [{ id: 'att-1', filename: 'label.txt', contentType: 'text/plain', size: 5, data: new TextEncoder().encode('label') }],
  authorKind: 'bot',
  agentName: 'orders',
  ...overrides,
});

describe('createEmailSender', () => {
  const smtp = smtpServer();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => smtp.server.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => smtp.server.close(() => resolve())));
  const sender = () => createEmailSender({ host: '127.0.0.1', port, secure: false, user: '', pass: '' }, 'support@northwind.test');

  it('sends a threaded reply with text, HTML, a short quote and the attachment', async () => {
    const result = await sender().send(outbound());
    expect(result).toEqual({ status: 'sent', providerMessageId: '<01jr5z8xq4m2n7p3k9t6v1w0yb@northwind.test>' });
    const mail = await simpleParser(smtp.received.at(-1)!);
    expect(mail.messageId).toBe('<01jr5z8xq4m2n7p3k9t6v1w0yb@northwind.test>');
    expect(mail.inReplyTo).toBe('<second@example.org>');
    expect(mail.references).toEqual(['<first@example.org>', '<01jr00000000000000000000aa@northwind.test>', '<second@example.org>']);
    expect(mail.subject).toBe('Re: Where is my order?');
    expect(mail.replyTo?.value[0]?.address).toBe('support+01jr5z8xq4m2n7p3k9t6v1w0ya@northwind.test');
    expect(mail.from?.value[0]?.address).toBe('support@northwind.test');
    expect(mail.to).toMatchObject({ value: [{ address: 'jane@example.org', name: 'Jane Doe' }] });
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.text).toMatch(/^Your order NW-10004 is on its way\.[\s\S]*On Tue, 24 Nov 2026 09:30:00 UTC, you wrote:\n> Where is my order\?\n> It was due on Monday\./);
    expect(mail.html).toMatch(/<a href="https:\/\/track\.example\/123"[^>]* rel="noopener noreferrer">https:\/\/track\.example\/123<\/a>/);
    expect(mail.html).toContain('<blockquote');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['label.txt', 'label']]);
  });

  it('sends a human reply without the automatic marker and without a quote when there is none', async () => {
    await sender().send(outbound({ authorKind: 'human', thread: { key: null, references: [], lastInbound: null }, attachments: [] }));
    const mail = await simpleParser(smtp.received.at(-1)!);
    expect(mail.headers.has('auto-submitted')).toBe(false);
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.text).not.toContain('you wrote');
  });

  it('sends a Markdown reply as multipart/alternative: rendered HTML and a plain-text rendering', async () => {
    const text = [
      'Our **Seattle** store is open today.',
      '',
      '| Store | Address |',
      '|---|---|',
      '| Seattle | 1420 Pine Street, Seattle, WA 98101 |',
      '| Portland | 915 NW Glisan Street, Portland, OR 97209 |',
      '',
      '- Monday to Saturday: 10 am – 8 pm',
      '- Sunday: 11 am – 6 pm',
      '',
      'See [store hours](https://northwind.example/stores). <script>alert(1)</script>',
    ].join('\n');
    await sender().send(outbound({ text, attachments: [] }));
    const raw = smtp.received.at(-1)!;
    // The MIME structure nodemailer built: one multipart/alternative with a text and an HTML part, text first.
    const boundary = /Content-Type: multipart\/alternative;\s+boundary="?([^"\r\n]+)"?/i.exec(raw)?.[1];
    expect(boundary).toBeDefined();
    const parts = raw.split(`--${boundary}`).slice(1, -1);
    expect(parts.map((part) => /Content-Type: ([\w/]+)/i.exec(part)?.[1])).toEqual(['text/plain', 'text/html']);

    const mail = await simpleParser(raw);
    expect(mail.html).toContain('<strong>Seattle</strong>');
    expect(mail.html).toMatch(/<table style="[^"]*border-collapse:collapse[^"]*">/);
    expect(mail.html).toMatch(/<td style="[^"]*">1420 Pine Street, Seattle, WA 98101<\/td>/);
    expect(mail.html).toMatch(/<a href="https:\/\/northwind\.example\/stores"[^>]*>store hours<\/a>/);
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).toMatch(
      /^Our Seattle store is open today\.\n\nSeattle: 1420 Pine Street, Seattle, WA 98101\nPortland: 915 NW Glisan Street, Portland, OR 97209\n\n- Monday to Saturday: 10 am – 8 pm\n- Sunday: 11 am – 6 pm\n\nSee store hours \(https:\/\/northwind\.example\/stores\)\./,
    );
    expect(mail.text).not.toMatch(/\*\*|\|---/);
    // The customer's quoted words stay plain text below the reply.
    expect(mail.text).toContain('you wrote:\n> Where is my order?');
  });

  it('answers whoever wrote the latest mail and keeps the people they had in CC', async () => {
    const lastInbound = {
      text: 'Please deliver to my home address instead.',
      createdAt: Date.UTC(2026, 2, 12, 11),
      meta: { email: { replyTo: { address: 'kim.home@example.org', name: 'Kim Lee' }, cc: ['sam@work.example', 'Kim.Home@example.org', 'colleague@example.org'] } },
    };
    await sender().send(outbound({ thread: { key: null, references: [], lastInbound } }));
    const mail = await simpleParser(smtp.received.at(-1)!);
    expect(mail.to).toMatchObject({ value: [{ address: 'kim.home@example.org', name: 'Kim Lee' }] });
    expect((Array.isArray(mail.cc) ? mail.cc[0] : mail.cc)?.value.map((a) => a.address)).toEqual(['sam@work.example', 'colleague@example.org']);
    // Without a recorded writer (older messages, a staff-started mail) the conversation's address, alone.
    await sender().send(outbound());
    const plain = await simpleParser(smtp.received.at(-1)!);
    expect(plain.to).toMatchObject({ value: [{ address: 'jane@example.org' }] });
    expect(plain.cc).toBeUndefined();
  });

  it('gives up on a permanent 5xx refusal and retries a temporary 4xx one', async () => {
    smtp.refuse.set('gone@example.org', 550);
    smtp.refuse.set('busy@example.org', 451);
    const permanent = await sender().send(outbound({ to: { address: 'gone@example.org' } })).catch((e: unknown) => e);
    expect(permanent).toBeInstanceOf(DeliveryError);
    expect(permanent).toMatchObject({ retryable: false, code: 'smtp_550' });
    const temporary = await sender().send(outbound({ to: { address: 'busy@example.org' } })).catch((e: unknown) => e);
    expect(temporary).toMatchObject({ retryable: true, code: 'smtp_451' });
  });

  it('retries when the server cannot be reached', async () => {
    const closed = createEmailSender({ host: '127.0.0.1', port: 1, secure: false, user: '', pass: '' }, 'support@northwind.test');
    const error = await closed.send(outbound()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ retryable: true, code: 'smtp_failed' });
  });
});
