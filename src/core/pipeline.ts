/**
 * The flow of one message: receive → ingest (one transaction, or for a plain message in a
 * conversation it names, one atomic write) → respond (agents; the reply with its claim, ticket,
 * events and outbox row all or nothing) → deliver (outbox). See DESIGN.md §2.
 */
import { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError, OrderSourceError } from './errors.ts';
import { newId } from './ids.ts';
import { askerFromIdentities } from './order-access.ts';
import { orderSystemUnavailableReply, orderToolsForRun, pipelineHandoffReply } from './order-tools.ts';
import type {
  AgentRunResult,
  ApprovalDecision,
  NewMessage,
  Pipeline,
  ReceiveResult,
  Repository,
} from './ports.ts';
import { pipelineContext, type PipelineDeps } from './pipeline/context.ts';
import { metricEvent } from './pipeline/metric-event.ts';
import { contactPatch, resolveContact } from './pipeline/contacts.ts';
import { findThread, isSendersOwn } from './pipeline/threading.ts';
import { newConversation, start } from './pipeline/conversations.ts';
import { commitReply } from './pipeline/replies.ts';
import {
  InboundMessage,
  type Contact,
  type ContactIdentity,
  type Conversation,
  type Message,
  type ParsedInbound,
  type Ticket,
} from './types.ts';

export type { PipelineDeps, PipelineOptions } from './pipeline/context.ts';
export { metricEvent } from './pipeline/metric-event.ts';

const ENGINE_ERROR_TEXT =
  "Thanks for your message. I couldn't work this out myself, so I've passed it to our support team; a person will reply here soon.";

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

/** The conversation and contact as an inbound message's ingest left them, and the contact's identities when it read them. */
type Written = { conversation: Conversation; contact: Contact; identities?: ContactIdentity[] };

/** Thrown inside the ingest transaction when a concurrent writer stored the same provider message. */
class DuplicateRace extends Error {}

export function createPipeline(deps: PipelineDeps): Pipeline & { idle(): Promise<void> } {
  const ctx = pipelineContext(deps);
  const { store, engine, orders, bus, clock, logger, options, serviceLevels, queue, tools } = ctx;


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
  async function continueAlone(inbound: ParsedInbound, now: number): Promise<Ingested | null> {
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

  async function ingest(inbound: ParsedInbound): Promise<Ingested> {
    const now = clock.now();
    const alone = await continueAlone(inbound, now);
    if (alone) return alone;
    return store.transaction(async (repo) => {
      // Replicas ingesting from one sender at once take turns: one finds the conversation the other
      // made. A message that names its conversation (and has no provider id to deduplicate) makes
      // none: its sender's identity already exists, so it needs no turn (a round trip fewer).
      if (!inbound.thread.conversationId || inbound.providerMessageId) await repo.lockKey(`ingest:${inbound.channel}:${inbound.from.address}`);
      if (inbound.providerMessageId) {
        const existing = await repo.findMessageByProviderId(inbound.channel, inbound.providerMessageId);
        if (existing) {
          return { message: existing, conversation: (await repo.getConversation(existing.conversationId))!, duplicate: true, created: false };
        }
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
        resumed = await resumeWaitingTickets(repo, conversation.id, now);
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
  async function resumeWaitingTickets(repo: Repository, conversationId: string, now: number): Promise<Ticket[]> {
    const resumed: Ticket[] = [];
    for (const ticket of await repo.listTickets({ conversationId, status: 'waiting' })) {
      const patch = { status: 'open' as const, updatedAt: now, ...serviceLevels.clockOnStatus(ticket, 'open', now) };
      resumed.push((await repo.updateTicket(ticket.id, patch))!);
    }
    return resumed;
  }

  async function receive(input: InboundMessage): Promise<ReceiveResult> {
    const parsed = InboundMessage.safeParse(input);
    if (!parsed.success) {
      throw new InvalidInputError(`Invalid inbound message: ${z.prettifyError(parsed.error)}`, parsed.error.issues);
    }
    const inbound = parsed.data;
    let result: Awaited<ReturnType<typeof ingest>>;
    try {
      result = await ingest(inbound);
    } catch (error) {
      if (!(error instanceof DuplicateRace)) throw error;
      const existing = (await store.repo.findMessageByProviderId(inbound.channel, inbound.providerMessageId!))!;
      result = { message: existing, conversation: (await store.repo.getConversation(existing.conversationId))!, duplicate: true, created: false };
    }
    const { message, conversation, contact, duplicate } = result;
    if (duplicate) {
      logger.debug({ channel: inbound.channel, messageId: message.id }, 'duplicate inbound message ignored');
      return { message, conversation, duplicate, reply: Promise.resolve(null) };
    }
    bus.publish({ type: 'message', conversationId: conversation.id, message });
    bus.publish({ type: 'conversation', conversationId: conversation.id, conversation });
    for (const ticket of result.resumed ?? []) bus.publish({ type: 'ticket', conversationId: conversation.id, ticket });
    // Queued at once, with the message just stored: idle() sees it, and nothing reads it back.
    // Nothing answers before it in this conversation: its conversation and contact are the ones
    // just written, so the answer does not read them again (nor the contact's identities, when
    // the ingest read them).
    const written = contact && !queue.busy(conversation.id) ? { conversation, contact, identities: result.identities } : undefined;
    const reply = message.agentStatus === 'pending' ? respondTo(message, written) : Promise.resolve(null);
    // The caller may not await the reply (webhooks acknowledge first); failures are logged here.
    reply.catch((error) => logger.error({ err: error, messageId: message.id }, 'responding failed'));
    return { message, conversation, duplicate, reply: reply.catch(() => null) };
  }

  /**
   * What the customer has proven: order details go only to an asker verified for the order.
   * From `identities` when they were read already, else one query.
   */
  async function askerOf(contact: Contact, identities?: ContactIdentity[]) {
    return askerFromIdentities(identities ?? (await store.repo.listIdentities(contact.id)));
  }

  async function runEngine(conversation: Conversation, contact: Contact, message: Message, identities?: ContactIdentity[]): Promise<AgentRunResult> {
    const limit = engine.historyLimit ?? options.historyLimit;
    const [recent, asker] = await Promise.all([
      limit > 0 ? store.repo.recentMessages(conversation.id, limit + 1) : Promise.resolve([]),
      askerOf(contact, identities),
    ]);
    const history = recent.filter((m) => m.id !== message.id && !m.internal);
    const orderTools = orderToolsForRun(orders);
    const orderSystemUnavailable = (failure: OrderSourceError) => {
      // The error names the setting to check; it never holds the auth header or the customer's email.
      logger.warn({ source: failure.source, reason: failure.reason, error: failure.message, conversationId: conversation.id }, 'order system unavailable; handing off');
      return orderSystemUnavailableReply(message, options.fallback);
    };
    try {
      const onDelta = (text: string, agent: string) => bus.publish({ type: 'delta', conversationId: conversation.id, agent, text });
      const runTools = { ...tools, lookupOrder: orderTools.lookupOrder, ordersForEmail: orderTools.ordersForEmail };
      const result = await engine.run({ conversation, contact, message, history, tools: runTools, asker, onDelta });
      // The order system failed and the run answered anyway without a person: say so, open a ticket.
      const failure = orderTools.failure();
      return failure && !result.ticket && !result.handoff ? orderSystemUnavailable(failure) : result;
    } catch (error) {
      const failure = error instanceof OrderSourceError ? error : orderTools.failure();
      if (failure) return orderSystemUnavailable(failure);
      // The customer still gets an answer: a clear handoff instead of silence.
      logger.error({ err: error, conversationId: conversation.id, engine: engine.name }, 'agent engine failed; handing off');
      return pipelineHandoffReply(message, options.fallback, 'engine_error', ENGINE_ERROR_TEXT);
    }
  }

  /**
   * Queues the agents' answer to a stored inbound message behind the conversation's earlier ones.
   * `written`: the conversation and contact as the message's own ingest left them (and the
   * contact's identities, when it read them), when no earlier answer can have changed them since.
   */
  function respondTo(message: Message, written?: Written): Promise<Message | null> {
    return queue.run(message.conversationId, () => answer(message, written));
  }

  function respond(messageId: string): Promise<Message | null> {
    return store.repo.getMessage(messageId).then((message) => (message && message.agentStatus === 'pending' ? respondTo(message) : null));
  }

  async function answer(message: Message, written?: Written): Promise<Message | null> {
    const conversation = written?.conversation ?? (await store.repo.getConversation(message.conversationId));
    if (!conversation) return null;
    if (conversation.owner === 'human' || conversation.status === 'closed') {
      // Humans own it: they were notified through the bus when the message was stored.
      await store.repo.claimInbound(message.id, 'skipped');
      return null;
    }
    const contact = written?.contact ?? (await store.repo.getContact(conversation.contactId))!;
    bus.publish({ type: 'typing', conversationId: conversation.id, agent: conversation.currentAgent });
    const result = await runEngine(conversation, contact, message, written?.identities);
    const answeredBy = { route: result.route, confidence: result.confidence, agentName: result.agent };
    return commitReply(ctx, conversation, result, { claim: { messageId: message.id, status: 'done', answeredBy } });
  }

  async function resumeApproval(conversationId: string, decision: ApprovalDecision): Promise<Message | null> {
    const resume = engine.resume?.bind(engine);
    if (!resume) throw new ConflictError('approvals_unsupported', `The ${engine.name} engine does not pause for approvals.`);
    return queue.run(conversationId, async () => {
      const conversation = await store.repo.getConversation(conversationId);
      if (!conversation) throw new NotFoundError('conversation', conversationId);
      const pendingId = (state: Record<string, unknown> | null) => (state?.pendingApproval as { id?: unknown } | undefined)?.id;
      const ticketId = pendingId(conversation.agentState);
      if (typeof ticketId !== 'string') throw new ConflictError('no_pending_approval', 'Nothing in this conversation waits for approval.');
      const recent = (await store.repo.recentMessages(conversation.id, options.historyLimit + 1)).filter((m) => !m.internal);
      const message = recent.filter((m) => m.direction === 'inbound').at(-1);
      if (!message) throw new ConflictError('no_pending_approval', 'Nothing in this conversation waits for approval.');
      const contact = (await store.repo.getContact(conversation.contactId))!;
      bus.publish({ type: 'typing', conversationId: conversation.id, agent: conversation.currentAgent });
      const history = recent.filter((m) => m.id !== message.id);
      const result = await resume({ conversation, contact, message, history, tools, asker: await askerOf(contact), decision });
      const reply = await commitReply(ctx, conversation, result, { guard: async (repo, now) => {
        // Another decision on the same request got here first.
        if (pendingId((await repo.getConversation(conversation.id))?.agentState ?? null) !== ticketId) return false;
        const ticket = await repo.getTicket(ticketId);
        const clock = ticket ? serviceLevels.clockOnStatus(ticket, 'resolved', now) : {};
        await repo.updateTicket(ticketId, { status: 'resolved', resolvedAt: now, updatedAt: now, ...clock }, decision.userId);
        return true;
      } });
      if (!reply) throw new ConflictError('no_pending_approval', 'This request was already decided.');
      // Announced once committed, so other replicas read the resolved ticket.
      const ticket = await store.repo.getTicket(ticketId);
      if (ticket) bus.publish({ type: 'ticket', conversationId: conversation.id, ticket });
      return reply;
    });
  }

  async function recoverPending(olderThanMs = 30_000): Promise<number> {
    const pending = await store.repo.pendingInbound(clock.now() - olderThanMs, 100);
    for (const message of pending) {
      await respond(message.id).catch((error) => logger.error({ err: error, messageId: message.id }, 'recovery failed'));
    }
    return pending.length;
  }

  return { receive, start: (input) => start(ctx, input), respond, recoverPending, resumeApproval, idle: () => queue.idle() };
}
