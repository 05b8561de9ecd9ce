/**
 * Who may see an order. Order details (items, tracking, address, dates) go only to an asker
 * verified for that order; everyone else is asked for the email address used for the order (the
 * common "order number + email" check). Pure: the pipeline computes the asker, engines decide
 * with these functions.
 */
import type { ContactIdentity, Order } from './types.ts';

/** What the person asking has proven about themselves (not what they typed). */
export interface Asker {
  /** Email addresses the asker controls: an email-channel sender's From address. */
  emails: string[];
  /** Phone numbers (E.164) the asker writes from: an SMS sender's number. */
  phones: string[];
}

/** Nobody: an anonymous web visitor, a Slack user, or a caller that proved nothing. */
export const ANONYMOUS_ASKER: Asker = Object.freeze({ emails: [], phones: [] }) as Asker;

/** Wrong email attempts per conversation before a person takes over. */
export const MAX_EMAIL_ATTEMPTS = 3;

/** The order fields that identify its customer. */
export type OrderOwner = Pick<Order, 'contactEmail'> & { contactPhone?: string | null };

/** An email address compared case- and space-insensitively; empty for nothing usable. */
export function normaliseEmail(email: string | null | undefined): string {
  return (email ?? '').trim().toLowerCase();
}

/**
 * A phone number in E.164 (`+4915112345678`), or null when it cannot be one. Spaces, dashes, dots
 * and brackets are dropped and a `00` international prefix becomes `+`; a national number without
 * a country code is not guessed at, so it never matches.
 */
export function normalisePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  let compact = phone.trim().replace(/[\s().-]/g, '');
  if (compact.startsWith('00')) compact = `+${compact.slice(2)}`;
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : null;
}

/**
 * True when the asker is verified for this order: a proven email equal to the order's email
 * (case/space-insensitive), or a proven phone equal to the order's phone (E.164 compare) when the
 * order has one.
 */
export function askerOwnsOrder(order: OrderOwner, asker: Asker): boolean {
  if (askerProvesEmail(asker, order.contactEmail)) return true;
  const phone = normalisePhone(order.contactPhone);
  return phone !== null && asker.phones.some((proven) => normalisePhone(proven) === phone);
}

/**
 * Whether the "order number + email" check is open to this asker. An asker who proved an email
 * address (a mail's sender, a widget email the host site signed) is known, so typing another
 * customer's address unlocks nothing: their orders are those of the address they write from.
 */
export function mayVerifyByTypedEmail(asker: Asker): boolean {
  return asker.emails.length === 0;
}

/** The "order number + email" check: the email the customer typed matches the order's. */
export function emailMatchesOrder(order: OrderOwner, typedEmail: string): boolean {
  return sameEmail(order.contactEmail, typedEmail);
}

/** Whether `email` is one the asker proved (for listing orders by email). */
export function askerProvesEmail(asker: Asker, email: string): boolean {
  return asker.emails.some((proven) => sameEmail(proven, email));
}

/** Two addresses are one when they are equal after normalising, and not empty. */
function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  const left = normaliseEmail(a);
  return left !== '' && left === normaliseEmail(b);
}

/**
 * What a contact's identities prove. An email-channel identity proves its address: the sender of
 * a mail, or an email the host site signed for a widget user (`emailHash`, kept as a verified email
 * identity). An SMS identity proves its number (the carrier delivered from it). A signed web
 * identity proves only the host site's user id: its HMAC covers the user id alone, so an email
 * sent alongside it without `emailHash` is what the visitor (or a signed-in visitor editing the
 * request) typed and proves nothing. Slack users and anonymous web visitors prove nothing either.
 */
export function askerFromIdentities(identities: readonly Pick<ContactIdentity, 'channel' | 'address'>[]): Asker {
  const asker: Asker = { emails: [], phones: [] };
  for (const identity of identities) {
    if (identity.channel === 'email') asker.emails.push(identity.address);
    else if (identity.channel === 'sms') asker.phones.push(identity.address);
  }
  return asker;
}
