/**
 * The sender of a message as a contact: found by their address on the channel, or made (and
 * joined to the contact an email the channel vouches for already belongs to), with what the
 * message newly tells of them recorded.
 */
import { newId } from '../ids.ts';
import { normaliseEmail } from '../order-access.ts';
import type { Repository, StartConversation } from '../ports.ts';
import type { ChannelKind, Contact } from '../types.ts';

export async function resolveContact(
  repo: Repository,
  channel: ChannelKind,
  from: StartConversation['from'],
  now: number,
): Promise<Contact> {
  const existing = await repo.contactAt(channel, from.address);
  if (existing) {
    await recordSignedEmail(repo, existing, from, now);
    const patch = contactPatch(existing, from);
    if (Object.keys(patch).length > 0) {
      await repo.updateContact(existing.id, patch, now);
      return { ...existing, ...patch };
    }
    return existing;
  }
  // One person across channels: an email we already know links the new identity to that contact,
  // but only an email the channel vouches for (the mail's sender, a Slack profile, an email the
  // host site signed). What a web visitor typed proves nothing (a signed widget user id does not
  // cover the email sent next to it): such a visitor gets a contact of their own, and staff see a
  // "possibly the same person" hint.
  const email = from.email ?? (channel === 'email' ? from.address : undefined);
  const vouched = channel !== 'web' || from.emailVerified === true;
  const known = email && vouched ? await contactVouchedFor(repo, email) : null;
  const contact =
    known ?? (await repo.createContact({ id: newId(), name: from.name ?? null, email: email ?? null, createdAt: now }));
  const stored = await repo.createIdentity({
    id: newId(),
    contactId: contact.id,
    channel,
    address: from.address,
    displayName: from.name ?? null,
    verified: from.verified ?? false,
    createdAt: now,
  });
  if (stored.contactId !== contact.id) return joinWinner(repo, contact, known, stored.contactId);
  await recordSignedEmail(repo, contact, from, now);
  return contact;
}

/** What a message tells of a known sender that their contact lacks (a name, an email). */
export function contactPatch(existing: Contact, from: StartConversation['from']): Partial<Pick<Contact, 'name' | 'email'>> {
  return {
    ...(from.name && !existing.name ? { name: from.name } : {}),
    ...(from.email && !existing.email ? { email: from.email } : {}),
  };
}

/**
 * Another replica stored the same address first (two first messages from a new number at once):
 * its contact is the one, and the contact made here for it goes.
 */
async function joinWinner(repo: Repository, mine: Contact, known: Contact | null, winnerId: string): Promise<Contact> {
  if (!known) await repo.deleteContact(mine.id);
  return (await repo.getContact(winnerId))!;
}

/**
 * An email the host site signed for a widget user is proven like a mail's sender: it is kept as
 * a verified email identity of the contact (what the run's asker reads), unless that address
 * already belongs to someone (then staff see the duplicate and decide).
 */
async function recordSignedEmail(repo: Repository, contact: Contact, from: StartConversation['from'], now: number) {
  if (!from.emailVerified || !from.email) return;
  const address = normaliseEmail(from.email);
  if (await repo.findIdentity('email', address)) return;
  await repo.createIdentity({ id: newId(), contactId: contact.id, channel: 'email', address, displayName: from.name ?? null, verified: true, createdAt: now });
}

/**
 * The contact an email belongs to, when a channel vouched for it there: one with an email or
 * Slack identity. A contact that only carries an email a web visitor typed is not that person, so
 * a mail from the address must not join it (and gain what the sender proves).
 */
async function contactVouchedFor(repo: Repository, email: string): Promise<Contact | null> {
  const contact = await repo.findContactByEmail(email);
  if (!contact) return null;
  const identities = await repo.listIdentities(contact.id);
  return identities.some((i) => i.channel === 'email' || i.channel === 'slack') ? contact : null;
}
