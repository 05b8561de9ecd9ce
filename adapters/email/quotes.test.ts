import { describe, expect, it } from 'vitest';
import { extractReply, quoteForReply } from './quotes.ts';

describe('extractReply', () => {
  it('cuts a Gmail attribution wrapped over two lines and the quote after it', () => {
    const body = 'Can I change the address?\n\nOn Mon, Nov 23, 2026 at 6:01 PM Northwind Support <\nsupport@northwind.test> wrote:\n\n> Your order shipped.\n';
    expect(extractReply(body)).toEqual({ text: 'Can I change the address?', trimmed: true });
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

describe('quoteForReply', () => {
  it('quotes a few lines and marks a cut', () => {
    const quoted = quoteForReply('one\ntwo\n\nthree\nfour\nfive\nsix\nseven', 3);
    expect(quoted).toBe('> one\n> two […]');
  });
});
