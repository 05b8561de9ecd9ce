import { describe, expect, it } from 'vitest';
import { inboundReferences, normaliseMessageId, outboundReferences, replySubject, subjectKey, tokenAddress, tokenFrom } from './threading.ts';

describe('subjectKey', () => {
  it('strips reply and forward prefixes in several languages and ticket tags', () => {
    expect(subjectKey('RE: [Ticket #4521] AW: Refund for order NW-10012')).toBe('refund for order nw-10012');
    expect(subjectKey('Sv: VS: Fwd:  Where   is my order?')).toBe('where is my order?');
    expect(subjectKey('Re[2]: Hello')).toBe('hello');
    expect(subjectKey('Re: ')).toBeUndefined();
  });
  it.each(['回复: Order late', '回复：Order late', 'R: Order late', 'AW: Order late', 'SV: Order late', 'Antw: Order late', 'RE : Order late', 'Rif: Order late', 'Отв: Order late', '答复: 转发: Order late', 'ΑΠ: Order late', 'Doorst: Order late'])(
    'strips the localised prefix of "%s"',
    (subject) => expect(subjectKey(subject)).toBe('order late'),
  );
  it('keeps subjects that merely begin with a prefix-like word', () => {
    expect(subjectKey('Return label missing')).toBe('return label missing');
  });
});

describe('message ids and references', () => {
  it('normalises ids to angle brackets and refuses junk', () => {
    expect(normaliseMessageId(' a@b ')).toBe('<a@b>');
    expect(normaliseMessageId('<a@b>')).toBe('<a@b>');
    expect(normaliseMessageId('two words')).toBeNull();
  });
  it('collects References then In-Reply-To without repeats', () => {
    expect(inboundReferences('<c@x>', ['<a@x>', '<c@x>'])).toEqual(['<a@x>', '<c@x>']);
    expect(inboundReferences(undefined, '<a@x> <b@x>')).toEqual(['<a@x>', '<b@x>']);
  });
  it('caps outbound References to the root plus the newest ids', () => {
    const ids = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const capped = outboundReferences(ids);
    expect(capped).toHaveLength(20);
    expect(capped[0]).toBe('<m0@x>');
    expect(capped.at(-1)).toBe('<m29@x>');
  });
  it('adds one Re: to a subject', () => {
    expect(replySubject('Re: RE: Order late')).toBe('Re: Order late');
    expect(replySubject(null)).toBe('Re: Your message to our support team');
  });
});

describe('reply-address tokens', () => {
  it('round-trips a conversation id through the plus address, case-insensitively', () => {
    const id = '01JR5Z8XQ4M2N7P3K9T6V1W0YB';
    const address = tokenAddress('support@northwind.test', id);
    expect(address).toBe('support+01jr5z8xq4m2n7p3k9t6v1w0yb@northwind.test');
    expect(tokenFrom(['someone@else.test', address.toUpperCase()], 'support@northwind.test')).toBe(id);
  });
  it('ignores plus addresses of other mailboxes', () => {
    expect(tokenFrom(['sales+01JR5Z8XQ4M2N7P3K9T6V1W0YB@northwind.test'], 'support@northwind.test')).toBeNull();
    expect(tokenFrom(['support+01JR5Z8XQ4M2N7P3K9T6V1W0YB@evil.test'], 'support@northwind.test')).toBeNull();
  });
});
