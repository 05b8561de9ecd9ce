import { describe, expect, it } from 'vitest';
import { ANONYMOUS_ASKER, askerOwnsOrder, askerProvesEmail, emailMatchesOrder, MAX_EMAIL_ATTEMPTS, normalisePhone } from './order-access.ts';

const order = { contactEmail: 'Ada.Lovelace@Example.com', contactPhone: '+44 20 7946 0958' };

describe('askerOwnsOrder', () => {
  it('accepts a proven email equal to the order email, ignoring case and surrounding space', () => {
    expect(askerOwnsOrder(order, { emails: [' ada.lovelace@example.COM '], phones: [] })).toBe(true);
    expect(askerOwnsOrder(order, { emails: ['other@example.com', 'ada.lovelace@example.com'], phones: [] })).toBe(true);
  });

  it('refuses another email, a near miss and the anonymous asker', () => {
    expect(askerOwnsOrder(order, { emails: ['ada.lovelace@example.co'], phones: [] })).toBe(false);
    expect(askerOwnsOrder(order, { emails: ['adalovelace@example.com'], phones: [] })).toBe(false);
    expect(askerOwnsOrder(order, ANONYMOUS_ASKER)).toBe(false);
    expect(askerOwnsOrder(order, { emails: [''], phones: [''] })).toBe(false);
  });

  it('accepts a proven phone equal to the order phone in E.164, whatever its punctuation', () => {
    expect(askerOwnsOrder(order, { emails: [], phones: ['+442079460958'] })).toBe(true);
    expect(askerOwnsOrder(order, { emails: [], phones: ['0044 (20) 7946-0958'] })).toBe(true);
    expect(askerOwnsOrder(order, { emails: [], phones: ['+442079460959'] })).toBe(false);
    // A national number is never guessed into a country.
    expect(askerOwnsOrder(order, { emails: [], phones: ['02079460958'] })).toBe(false);
  });

  it('never matches a phone when the order has none', () => {
    expect(askerOwnsOrder({ contactEmail: 'x@example.com' }, { emails: [], phones: ['+442079460958'] })).toBe(false);
    expect(askerOwnsOrder({ contactEmail: 'x@example.com', contactPhone: null }, { emails: [], phones: ['+442079460958'] })).toBe(false);
    expect(askerOwnsOrder({ contactEmail: 'x@example.com', contactPhone: 'n/a' }, { emails: [], phones: ['n/a'] })).toBe(false);
  });

  it('never matches an order without an email to an empty proven email', () => {
    expect(askerOwnsOrder({ contactEmail: '' }, { emails: [''], phones: [] })).toBe(false);
  });
});

describe('emailMatchesOrder', () => {
  it('compares the typed email case- and space-insensitively', () => {
    expect(emailMatchesOrder(order, '  ADA.LOVELACE@example.com\n')).toBe(true);
    expect(emailMatchesOrder(order, 'grace@example.com')).toBe(false);
    expect(emailMatchesOrder(order, '')).toBe(false);
    expect(emailMatchesOrder({ contactEmail: '  ' }, '  ')).toBe(false);
  });
});

describe('helpers', () => {
  it('normalises phones to E.164 or null', () => {
    expect(normalisePhone('+1 (555) 010-9999')).toBe('+15550109999');
    expect(normalisePhone('001 555 010 9999')).toBe('+15550109999');
    expect(normalisePhone('5550109999')).toBeNull();
    expect(normalisePhone('+0123456789')).toBeNull();
    expect(normalisePhone(null)).toBeNull();
  });

  it('tells whether an email is one the asker proved', () => {
    expect(askerProvesEmail({ emails: ['a@example.com'], phones: [] }, 'A@Example.com ')).toBe(true);
    expect(askerProvesEmail({ emails: ['a@example.com'], phones: [] }, 'b@example.com')).toBe(false);
    expect(askerProvesEmail({ emails: [''], phones: [] }, '')).toBe(false);
  });

  it('allows three wrong email attempts', () => {
    expect(MAX_EMAIL_ATTEMPTS).toBe(3);
  });
});
