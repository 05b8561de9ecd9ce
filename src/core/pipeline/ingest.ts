/**
 * Storing an inbound message: deduplicated by its provider id, from its sender's contact, in the
 * conversation it continues or a new one, with its events and files, and tickets waiting on the
 * customer reopened. One transaction, or for a plain message in a conversation it names, one
 * atomic write.
 */
import { newId } from '../ids.ts';
import type { NewMessage, Repository } from '../ports.ts';
import type { Contact, ContactIdentity, Conversation, Message, ParsedInbound, Ticket } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { contactPatch, resolveContact } from './contacts.ts';
import { newConversation } from './conversations.ts';
import { metricEvent } from './metric-event.ts';
import { findThread, isSendersOwn } from './threading.ts';

/**
 * What ingesting a message came to; `contact` and what follows only for a message stored now
 * (`identities` when the ingest read the contact's).
 */
type Ingested = {
  message: Message;
  conversation: Conversation;
  duplicate: boolean;
  created: boolean;
  contact?: Contact;
  identities?: ContactIdentity[];
  resumed?: Ticket[];
};

/** Thrown inside the ingest transaction when a concurrent writer stored the same provider message. */
class DuplicateRace extends Error {}

/** A message stored already under its provider id, acknowledged and left. */
async function duplicateOf(repo: Repository, existing: Message): Promise<Ingested> {
  return { message: existing, conversation: (await repo.getConversation(existing.conversationId))!, duplicate: true, created: false };
}

/** The stored form of an inbound message from `contact` in the conversation `conversationId`. */
function inboundMessage(inbound: ParsedInbound, contact: Contact, conversationId: string, now: number): NewMessage {
  return {
    id: newId(),
    conversationId,
    channel: inbound.channel,
    direction: 'inbound',
    authorKind: 'contact',
    authorId: contact.id,
    text: inbound.text,
    original: inbound.original ?? null,
    html: inbound.html ?? null,
    subject: inbound.subject ?? null,
    internal: false,
    agentName: null,
    route: null,
    confidence: null,
    providerMessageId: inbound.providerMessageId ?? null,
    deliveryStatus: 'received',
    agentStatus: inbound.noReply ? 'skipped' : 'pending',
    meta: inbound.meta ?? null,
    createdAt: now,
  };
}

/** Appends an inbound message to the conversation it continues, which a resolved or closed one reopens for. Null for a duplicate. */
function appendInbound(repo: Repository, inbound: ParsedInbound, found: Conversation, contact: Contact, now: number) {
  const reopening = found.status === 'resolved' || found.status === 'closed';
  const events = [...(reopening ? [metricEvent(found, 'reopened', 'contact', now)] : []), metricEvent(found, 'message_in', 'contact', now)];
  return repo.appendMessage({
    conversationId: found.id,
    patch: { lastMessageAt: now, updatedAt: now, ...(reopening ? { status: 'open' as const, resolvedAt: null } : {}) },
    message: inboundMessage(inbound, contact, found.id, now),
    events,
  });
}

/**
 * The common case of a message naming its conversation, ingested without a transaction: from
 * the sender who owns it, known and with nothing new to record of them, with nothing to
 * deduplicate, no files and no ticket waiting on the customer, the message's only write is
 * appendMessage, atomic by itself, and its reads are one statement. Null for anything else
 * (then ingest reads again in a transaction and writes, or refuses, as for any message).
 */
async function continueAlone(ctx: PipelineContext, inbound: ParsedInbound, now: number): Promise<Ingested | null> {
  const { store } = ctx;
  const { conversationId } = inbound.thread;
  if (!conversationId || inbound.providerMessageId || inbound.attachments.length > 0) return null;
  const found = await store.repo.conversationFromSender(conversationId, inbound.channel, inbound.from.address);
  const contact = found?.sender;
  if (!found || !contact || found.ticketsWaiting || !isSendersOwn(found.conversation, contact, inbound.channel)) return null;
  if (Object.keys(contactPatch(contact, inbound.from)).length > 0) return null;
  const appended = await appendInbound(store.repo, inbound, found.conversation, contact, now);
  if (!appended) return null;
  return { ...appended, contact, identities: found.senderIdentities, resumed: [], duplicate: false, created: false };
}

export async function ingest(ctx: PipelineContext, inbound: ParsedInbound): Promise<Ingested> {
  const { store, clock } = ctx;
  const now = clock.now();
  const alone = await continueAlone(ctx, inbound, now);
  if (alone) return alone;
  try {
    return await ingestInTransaction(ctx, inbound, now);
  } catch (error) {
    if (!(error instanceof DuplicateRace)) throw error;
    // The concurrent writer's message, committed by now.
    return duplicateOf(store.repo, (await store.repo.findMessageByProviderId(inbound.channel, inbound.providerMessageId!))!);
  }
}

/** Any other message: read and written in one transaction (DuplicateRace when another writer stored it first). */
function ingestInTransaction(ctx: PipelineContext, inbound: ParsedInbound, now: number): Promise<Ingested> {
  const { store } = ctx;
  return store.transaction(async (repo) => {
    // Replicas ingesting from one sender at once take turns: one finds the conversation the other
    // made. A message that names its conversation (and has no provider id to deduplicate) makes
    // none: its sender's identity already exists, so it needs no turn (a round trip fewer).
    if (!inbound.thread.conversationId || inbound.providerMessageId) await repo.lockKey(`ingest:${inbound.channel}:${inbound.from.address}`);
    if (inbound.providerMessageId) {
      const existing = await repo.findMessageByProviderId(inbound.channel, inbound.providerMessageId);
      if (existing) return duplicateOf(repo, existing);
    }
    const contact = await resolveContact(repo, inbound.channel, inbound.from, now);
    const found = await findThread(ctx, repo, inbound, contact, now);
    let conversation: Conversation;
    let message: Message | null;
    let resumed: Ticket[] = [];
    if (found) {
      const appended = await appendInbound(repo, inbound, found, contact, now);
      if (!appended) throw new DuplicateRace();
      ({ conversation, message } = appended);
      resumed = await resumeWaitingTickets(ctx, repo, conversation.id, now);
    } else {
      conversation = await repo.createConversation(
        newConversation(contact, inbound.channel, now, {
          threadKey: inbound.thread.key ?? null,
          subject: inbound.subject ?? null,
          subjectKey: inbound.thread.subjectKey ?? null,
        }),
      );
      message = await repo.insertMessage(inboundMessage(inbound, contact, conversation.id, now));
      if (!message) throw new DuplicateRace();
      await repo.insertEvents([metricEvent(conversation, 'conversation_created', 'contact', now), metricEvent(conversation, 'message_in', 'contact', now)]);
    }
    await repo.insertAttachments(message.id, inbound.attachments, now);
    return { message, conversation, contact, resumed, duplicate: false, created: !found };
  });
}

/** The customer answered: tickets waiting on them reopen, and their resolution clock runs again. */
async function resumeWaitingTickets(ctx: PipelineContext, repo: Repository, conversationId: string, now: number): Promise<Ticket[]> {
  const { serviceLevels } = ctx;
  const resumed: Ticket[] = [];
  for (const ticket of await repo.listTickets({ conversationId, status: 'waiting' })) {
    const patch = { status: 'open' as const, updatedAt: now, ...serviceLevels.clockOnStatus(ticket, 'open', now) };
    resumed.push((await repo.updateTicket(ticket.id, patch))!);
  }
  return resumed;
}
