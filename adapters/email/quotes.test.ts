import { describe, expect, it } from 'vitest';
import { extractReply, quoteForReply } from './quotes.ts';

describe('extractReply', () => {
  it('cuts a Gmail attribution wrapped over two lines and the quote after it', () => {
    const body = 'Can I change the address?\n\nOn Mon, Nov 23, 2026 at 6:01 PM Northwind Support <\nsupport@northwind.test> wrote:\n\n> Your order shipped.\n';
    expect(extractReply(body)).toEqual({ text: 'Can I change the address?', trimmed: true, forwarded: false });
  });

  it('cuts an Outlook header block and a rule before it', () => {
    const body = 'Still no refund.\n\n________________________________\nFrom: Northwind Support <support@northwind.test>\nSent: Tuesday, November 24, 2026 4:12 PM\nTo: Hans\nSubject: Re: Refund\n\nYour refund was issued.';
    expect(extractReply(body).text).toBe('Still no refund.');
  });

  it('cuts "-----Original Message-----" and German attributions', () => {
    expect(extractReply('New words\n-----Original Message-----\nFrom: x\nold').text).toBe('New words');
    expect(extractReply('Neue Frage\n\nAm 24.11.2026 um 10:00 schrieb Support <s@x.de>:\n> alt').text).toBe('Neue Frage');
  });

  it('keeps the answers of a bottom-posted or inline reply', () => {
    const body = 'On Tue, Support wrote:\n> Which size do you need?\n\nSize 42, please.\n> And the colour?\nBlack.';
    expect(extractReply(body).text).toBe('Size 42, please.\nBlack.');
  });

  it('drops the signature after "-- " and device signatures', () => {
    expect(extractReply('Where is my parcel?\n\n-- \nJane Doe\n+44 20 7946 0000').text).toBe('Where is my parcel?');
    expect(extractReply('Where is my parcel?\n\nSent from my iPhone').text).toBe('Where is my parcel?');
  });

  it('drops a closing sign-off with a short tail, but not a sentence that starts like one', () => {
    expect(extractReply('My code does not work.\n\nKind regards,\nJane Doe\nAcme Ltd').text).toBe('My code does not work.');
    expect(extractReply('Thanks, that fixed it! One more question: do you ship to Norway?').text).toBe(
      'Thanks, that fixed it! One more question: do you ship to Norway?',
    );
  });

  it('never returns nothing for a message that is all sign-off or all quote', () => {
    expect(extractReply('Thanks!').text).toBe('Thanks!');
    expect(extractReply('> only a quote').text).toBe('> only a quote');
  });
});

describe('extractReply on forwards and hard-wrapped quotes', () => {
  const forward = 'FYI\n\n---------- Forwarded message ---------\nFrom: Billing <billing@northwind.test>\nSubject: Payment failed\n\nInvoice INV-2291 failed: E42.';

  it('keeps a forward under a short note, with its invoice number and error', () => {
    const reply = extractReply(forward);
    expect(reply.forwarded).toBe(true);
    expect(reply.text).toContain('Invoice INV-2291 failed: E42.');
    expect(reply.text.startsWith('FYI')).toBe(true);
  });

  it('treats an Outlook header block as a forward only under a forwarding subject', () => {
    const body = 'See below\n\n________________________________\nFrom: Orders <o@northwind.test>\nSent: Thursday, March 12, 2026 10:15 AM\nSubject: On hold\n\nOrder NW-1 is on hold: ADDR-7.';
    expect(extractReply(body, { subject: 'FW: On hold' })).toMatchObject({ forwarded: true, text: expect.stringContaining('ADDR-7') });
    expect(extractReply(body, { subject: 'RE: On hold' })).toMatchObject({ forwarded: false, text: 'See below' });
  });

  it('cuts a forward that is itself quoted history', () => {
    const body = `Solved, thanks.\n\nOn Thu, Mar 12, 2026 at 10:15 AM Support <s@northwind.test> wrote:\n${forward.replace(/^/gm, '> ')}`;
    expect(extractReply(body)).toMatchObject({ forwarded: false, text: 'Solved, thanks.' });
  });

  it('does not re-add the unquoted tail of a hard-wrapped quoted line', () => {
    const body = 'Size 42.\n\nOn Thu, Support <s@n.test> wrote:\n> Which size would you like us to send instead of the one you returned\nlast week?\n>\n> Northwind';
    expect(extractReply(body).text).toBe('Size 42.');
  });

  it('keeps inline answers written after a blank line', () => {
    const body = 'On Tue, Support wrote:\n> Which size do you need, and which colour would you like us to send?\n\nSize 42, black.';
    expect(extractReply(body).text).toBe('Size 42, black.');
  });

  it('keeps a sentence that ends like an attribution but is the customer\'s own', () => {
    const body = 'I ordered NW-10003 on 12.03.2026 for jane@example.com:\n- boots\n- socks\nOnly the socks came.';
    expect(extractReply(body).text).toBe(body);
  });

  it('finishes quickly on a pathological body', () => {
    const body = `Hi\n${'On '.repeat(5_000)}\n${'x'.repeat(100_000)} <a@b.c>\n`;
    const started = performance.now();
    extractReply(body);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('quoteForReply', () => {
  it('quotes a few lines and marks a cut', () => {
    const quoted = quoteForReply('one\ntwo\n\nthree\nfour\nfive\nsix\nseven', 3);
    expect(quoted).toBe('> one\n> two […]');
  });
});
