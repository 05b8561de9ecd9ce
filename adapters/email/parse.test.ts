import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InboundMessage } from '../../src/core/types.ts';
import { parseEmail } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/email/${name}`, import.meta.url));
const options = { maxAttachmentBytes: 1_000_000, supportAddress: 'support@northwind.test', receivedAt: Date.UTC(2026, 10, 25) };
const parse = (raw: Buffer | string, overrides: Partial<typeof options> = {}) =>
  parseEmail(Buffer.isBuffer(raw) ? raw : Buffer.from(raw.replace(/\n/g, '\r\n')), { ...options, ...overrides });

describe('parseEmail', () => {
  it('reads a Gmail reply: identity, new words, threading hints, reply token', async () => {
    const { inbound, token } = await parse(fixture('gmail-reply.eml'));
    expect(inbound.from).toEqual({ address: 'jane.doe@gmail.example', name: 'Jane Doe', email: 'jane.doe@gmail.example' });
    expect(inbound.text).toBe('Thanks, the tracking link works now. Can I still change the delivery\naddress to my office?');
    expect(inbound.original).toContain('> Your order NW-10004 shipped with DHL');
    expect(inbound.html).toContain('gmail_quote');
    expect(inbound.providerMessageId).toBe('<CAHx8=gmail-reply-7a1c@mail.gmail.example>');
    expect(inbound.thread.references).toEqual(['<01jr0000000000000000000001@northwind.test>', '<01jr0000000000000000000002@northwind.test>']);
    expect(inbound.thread.subjectKey).toBe('where is my order nw-10004?');
    expect(token).toBe('01JR0000000000000000000000');
    expect(inbound.noReply).toBeUndefined();
    expect(InboundMessage.safeParse(inbound).success).toBe(true);
  });

  it('reads an Outlook reply in ISO-8859-1 and cuts the header block and the German sign-off', async () => {
    const { inbound } = await parse(fixture('outlook-reply.eml'));
    expect(inbound.from.name).toBe('Müller, Hans');
    expect(inbound.text).toBe('The refund has still not arrived on my card. It has been 12 days.');
    expect(inbound.thread.subjectKey).toBe('refund for order nw-10012');
  });

  it('turns HTML-only mail into clean text without the quote or the device signature', async () => {
    const { inbound } = await parse(fixture('html-only.eml'));
    expect(inbound.text).toBe('Do the Trailblazer boots run small?');
    expect(inbound.html).toContain('<b>Trailblazer</b>');
  });

  it.each([
    ['auto-reply.eml', 'auto-submitted: auto-replied'],
    ['bounce.eml', 'delivery report'],
  ])('marks %s as never to be answered', async (file, reason) => {
    const { inbound } = await parse(fixture(file));
    expect(inbound.noReply).toBe(true);
    expect((inbound.meta!.email as { automatic: string }).automatic).toBe(reason);
  });

  it.each([
    ['X-Autoreply: yes', 'x-autoreply'],
    ['X-Autorespond: vacation', 'x-autorespond'],
    ['Precedence: junk', 'precedence: junk'],
    ['Precedence: bulk\nList-Unsubscribe: <https://x.example/u>', 'bulk mail (precedence: bulk)'],
    ['List-Unsubscribe: <mailto:u@x.example>', 'bulk mail (list-unsubscribe)'],
  ])('marks mail with "%s" as automatic', async (header, reason) => {
    const { inbound } = await parse(`From: a@b.example\nTo: support@northwind.test\nSubject: x\n${header}\n\nhello\n`);
    expect(inbound.noReply).toBe(true);
    expect((inbound.meta!.email as { automatic: string }).automatic).toBe(reason);
  });

  it.each(['Precedence: bulk', 'Precedence: list', 'Precedence: list\nList-Post: <mailto:l@x.example>\nList-Unsubscribe: <mailto:u@x.example>'])(
    'answers a person whose mail says "%s"',
    async (header) => {
      const { inbound } = await parse(`From: a@b.example\nTo: support@northwind.test\nSubject: x\n${header}\n\nhello\n`);
      expect(inbound.noReply).toBeUndefined();
    },
  );

  it('answers a person writing through a mailing list, privately, and never a newsletter', async () => {
    const list = (await parse(fixture('list-person.eml'))).inbound;
    expect(list.noReply).toBeUndefined();
    expect(list.from.address).toBe('priya@example.in');
    expect(list.meta!.email).toMatchObject({ replyTo: { address: 'priya@example.in', name: 'Priya Shah' } });
    expect(list.meta!.email).not.toHaveProperty('cc');
    const newsletter = (await parse(fixture('newsletter.eml'))).inbound;
    expect(newsletter.noReply).toBe(true);
    expect((newsletter.meta!.email as { automatic: string }).automatic).toBe('bulk mail (precedence: bulk)');
  });

  it('answers the Reply-To and keeps the people in To and CC, never our own addresses', async () => {
    const { inbound } = await parse(fixture('reply-to-cc.eml'));
    expect(inbound.from).toEqual({ address: 'kim.home@example.org', name: 'Kim Lee', email: 'kim.home@example.org' });
    expect(inbound.meta!.email).toMatchObject({
      from: 'kim@work.example',
      replyTo: { address: 'kim.home@example.org', name: 'Kim Lee' },
      cc: ['sam@work.example', 'colleague@example.org'],
    });
    expect(inbound.thread.subjectKey).toBe('delivery nw-10050');
    expect(InboundMessage.safeParse(inbound).success).toBe(true);
  });

  it('answers the From when there is no Reply-To', async () => {
    const { inbound } = await parse('From: Lee <Lee@B.example>\nTo: support@northwind.test\nSubject: x\n\nhello\n');
    expect(inbound.meta!.email).toMatchObject({ replyTo: { address: 'lee@b.example', name: 'Lee' } });
    expect(inbound.meta!.email).not.toHaveProperty('cc');
  });

  it('knows our own mail, but not a web form sending as us for a customer', async () => {
    const ours = await parse('From: Northwind <support@northwind.test>\nReply-To: support+01jr0000000000000000000000@northwind.test\nTo: lee@b.example\nSubject: Re: x\n\nOur answer\n');
    expect(ours.fromUs).toBe(true);
    const form = await parse('From: Web form <support@northwind.test>\nReply-To: Lee <lee@b.example>\nTo: support@northwind.test\nSubject: Contact form\n\nhello\n');
    expect(form.fromUs).toBe(false);
    expect(form.inbound.from.address).toBe('lee@b.example');
    expect((await parse('From: Lee <Lee@B.example>\nTo: support@northwind.test\nSubject: x\n\nhello\n')).fromUs).toBe(false);
  });

  it.each([
    ['html-alternative-only.eml', 'The parcel for NW-10021 arrived damaged. Can you send a replacement?', 'Your order NW-10021 has shipped. Grüße.'],
    ['html-with-pdf.eml', 'Hello,\n\nthe attached invoice INV-2291 charges shipping twice.', null],
    ['html-inline-image.eml', 'I ordered the blue jacket but got this one:', null],
  ])('reads the words of HTML-only multipart mail (%s)', async (file, words, history) => {
    const { inbound } = await parse(fixture(file));
    expect(inbound.text).toContain(words);
    expect(inbound.text).not.toBe(inbound.subject);
    if (history) {
      expect(inbound.text).not.toContain(history);
      expect(inbound.original).toContain(history);
    }
    expect(inbound.html).toBeTruthy();
  });

  it('keeps the HTML-only message with its image as an attachment and the text around it', async () => {
    const { inbound } = await parse(fixture('html-inline-image.eml'));
    expect(inbound.text).toContain('Can I exchange it?');
    expect(inbound.attachments).toEqual([expect.objectContaining({ filename: 'photo.png', contentType: 'image/png' })]);
    const pdf = (await parse(fixture('html-with-pdf.eml'))).inbound;
    expect(pdf.attachments).toEqual([expect.objectContaining({ filename: 'INV-2291.pdf' })]);
    expect(pdf.text).not.toContain('Sent from my iPhone');
  });

  it('keeps a forward for the agents and marks it', async () => {
    const raw = 'From: a@b.example\nTo: support@northwind.test\nSubject: Fwd: Payment failed\n\nFYI\n\n---------- Forwarded message ---------\nFrom: Billing <billing@shop.example>\nSubject: Payment failed\n\nInvoice INV-2291 failed with error E42.\n';
    const { inbound } = await parse(raw);
    expect(inbound.text).toContain('Invoice INV-2291 failed with error E42.');
    expect(inbound.meta!.email).toMatchObject({ forwarded: true });
  });

  it('answers mail that says Auto-Submitted: no, and not mail from postmaster', async () => {
    expect((await parse('From: a@b.example\nAuto-Submitted: no\n\nhello\n')).inbound.noReply).toBeUndefined();
    expect((await parse('From: Postmaster@b.example\n\nhello\n')).inbound.noReply).toBe(true);
  });

  it('repairs 8-bit Windows-1252 headers and decodes a KOI8-R body', async () => {
    const { inbound } = await parse(fixture('latin1-headers.eml'));
    expect(inbound.from.name).toBe('Renée François');
    expect(inbound.subject).toBe('Café order – not delivered');
    expect(inbound.text).toBe('Здравствуйте, мой заказ не пришёл.');
  });

  it('survives malformed MIME and keeps what it can read', async () => {
    const { inbound } = await parse(fixture('malformed.eml'));
    expect(inbound.providerMessageId).toBe('<malformed-1@mailer.example>');
    expect(inbound.text).toContain('Hello, my package arrived broken.');
    expect(InboundMessage.safeParse(inbound).success).toBe(true);
  });

  it('gives mail without text or subject a placeholder text and keeps the attachment', async () => {
    const { inbound } = await parse(fixture('no-text.eml'));
    expect(inbound.text).toBe('[1 attachment(s), no text]');
    expect(inbound.attachments).toEqual([expect.objectContaining({ filename: 'damage.png', contentType: 'image/png', size: 72 })]);
  });

  it('records an attachment over the limit without its bytes', async () => {
    const { inbound } = await parse(fixture('no-text.eml'), { maxAttachmentBytes: 10 });
    expect(inbound.attachments?.[0]).toEqual({ filename: 'damage.png', contentType: 'image/png', size: 72 });
    expect((inbound.meta!.email as { omittedAttachments: unknown[] }).omittedAttachments).toEqual([
      { filename: 'damage.png', size: 72, reason: 'larger than the 10-byte limit' },
    ]);
  });

  it('stores headerless garbage as an unanswered message with a stable id', async () => {
    const raw = Buffer.from('this is not an email at all\u0000\r\n');
    const first = await parse(raw);
    expect(first.inbound.from.address).toBe('unknown-sender@invalid');
    expect(first.inbound.noReply).toBe(true);
    expect(first.inbound.providerMessageId).toMatch(/^<sha256-[0-9a-f]{40}@frontdesk\.invalid>$/);
    expect((await parse(raw)).inbound.providerMessageId).toBe(first.inbound.providerMessageId);
    expect(InboundMessage.safeParse(first.inbound).success).toBe(true);
  });

  it('clips header fields to what the pipeline accepts', async () => {
    const longName = 'N'.repeat(500);
    const refs = Array.from({ length: 150 }, (_, i) => `<r${i}@x.example>`).join(' ');
    const { inbound } = await parse(`From: "${longName}" <a@b.example>\nReferences: ${refs}\nSubject: ${'s'.repeat(1200)}\n\nhi\n`);
    expect(InboundMessage.safeParse(inbound).success).toBe(true);
    expect(inbound.thread.references).toHaveLength(100);
  });
});
