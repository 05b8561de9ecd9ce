/**
 * Outgoing webhook events, recorded in the transaction of the change that caused them: a store
 * whose units of work note every conversation, message, ticket and rating they write, and add the
 * event row and one outbox job per active subscriber before they commit. A crash therefore loses
 * neither the change's event nor its delivery; the outbox delivers it (src/core/outbox.ts).
 *
 * The live bus is not the source: it is published after commit and only in memory, it has no
 * ratings, and it repeats a message on every delivery status change. The decorated writes are the
 * ones the pipeline and the support desk publish on the bus, seen before they commit.
 */
import { newId } from './ids.ts';
import { webhookJob } from './outbox.ts';
import type { Clock, Repository, Store } from './ports.ts';
import { TICKET_FIELDS, type Conversation, type CsatResponse, type Message, type Ticket, type WebhookEvent, type WebhookEventType, type WebhookSubscription } from './types.ts';

/** Conversation fields whose change is a `conversation.updated` (not every message's lastMessageAt). */
const WATCHED_CONVERSATION_FIELDS = ['status', 'owner', 'assigneeId'] as const satisfies readonly (keyof Conversation)[];

/** What subscribers learn about a conversation: ids and states, nothing the customer wrote. */
const conversationData = (c: Conversation) => ({
  id: c.id,
  channel: c.channel,
  contactId: c.contactId,
  status: c.status,
  owner: c.owner,
  assigneeId: c.assigneeId,
  createdAt: c.createdAt,
});
/** The one payload with customer text: the message itself. */
const messageData = (m: Message) => ({
  id: m.id,
  conversationId: m.conversationId,
  channel: m.channel,
  direction: m.direction,
  authorKind: m.authorKind,
  text: m.text,
  createdAt: m.createdAt,
});
/** A ticket without its summary (written from the customer's words). */
const ticketData = (t: Ticket) => ({
  id: t.id,
  number: t.number,
  conversationId: t.conversationId,
  status: t.status,
  priority: t.priority,
  category: t.category,
  assigneeId: t.assigneeId,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
});
/** A rating without its comment. */
const csatData = (r: CsatResponse) => ({ id: r.id, conversationId: r.conversationId, rating: r.rating, createdAt: r.createdAt });

export interface WebhookEventOptions {
  clock: Clock;
  /** Told the outbox jobs a unit of work queued, once it has committed (to deliver them at once). */
  committed?(jobIds: string[]): void;
}

/**
 * Wraps a repository of one unit of work so that its changes record webhook events in it.
 * `subscribers`: the active subscriptions when the caller has read them already.
 */
function recordingRepository(repo: Repository, clock: Clock, jobIds: string[], subscribers: Promise<WebhookSubscription[]> | null = null): Repository {
  /** The subscriptions to `type`, read once per unit of work: as they are when the change commits. */
  async function subscribedTo(type: WebhookEventType) {
    return (await (subscribers ??= repo.activeWebhookSubscriptions())).filter((s) => s.events.includes(type));
  }

  /** `conversation`: the conversation, or its id when the change does not carry its channel (looked up only for a subscriber). */
  async function record(type: WebhookEventType, conversation: Pick<Conversation, 'id' | 'channel'> | string, data: Record<string, unknown>) {
    const active = await subscribedTo(type);
    if (active.length === 0) return;
    if (typeof conversation === 'string') conversation = (await repo.getConversation(conversation))!;
    const now = clock.now();
    const event: WebhookEvent = { id: newId(), type, conversationId: conversation.id, data, createdAt: now };
    await repo.insertWebhookEvent(event);
    for (const subscription of active) {
      const job = webhookJob(event, subscription.id, conversation.channel, now);
      await repo.enqueue(job);
      jobIds.push(job.id);
    }
  }
  const watchedIn = (patch: Partial<Conversation>) => WATCHED_CONVERSATION_FIELDS.filter((f) => patch[f] !== undefined);
  /** The conversation before a patch, read only when someone would be told of the change. */
  async function stateBefore(id: string, patch: Partial<Conversation>) {
    return watchedIn(patch).length > 0 && (await subscribedTo('conversation.updated')).length > 0 ? repo.getConversation(id) : null;
  }
  async function recordUpdate(patch: Partial<Conversation>, before: Conversation | null, after: Conversation | null) {
    const changed = before && after ? watchedIn(patch).filter((f) => before[f] !== after[f]) : [];
    if (after && changed.length > 0) await record('conversation.updated', after, { ...conversationData(after), changed });
  }
  async function recordMessage(message: Message | null) {
    // Internal notes stay among staff.
    if (message && !message.internal) await record('message.created', { id: message.conversationId, channel: message.channel }, messageData(message));
  }

  return {
    ...repo,
    async createConversation(input) {
      const conversation = await repo.createConversation(input);
      await record('conversation.created', conversation, conversationData(conversation));
      return conversation;
    },
    async updateConversation(id, patch) {
      const before = await stateBefore(id, patch);
      const after = await repo.updateConversation(id, patch);
      await recordUpdate(patch, before, after);
      return after;
    },
    async insertMessage(input) {
      const message = await repo.insertMessage(input);
      await recordMessage(message);
      return message;
    },
    async appendMessage(input) {
      const before = await stateBefore(input.conversationId, input.patch);
      const appended = await repo.appendMessage(input);
      if (appended) {
        await recordMessage(appended.message);
        await recordUpdate(input.patch, before, appended.conversation);
      }
      return appended;
    },
    async createTicket(input) {
      const ticket = await repo.createTicket(input);
      await record('ticket.created', ticket.conversationId, ticketData(ticket));
      return ticket;
    },
    async updateTicket(id, patch, actorId) {
      const ticket = await repo.updateTicket(id, patch, actorId);
      const changed = TICKET_FIELDS.filter((f) => patch[f] !== undefined);
      if (ticket) await record('ticket.updated', ticket.conversationId, { ...ticketData(ticket), changed });
      return ticket;
    },
    async insertCsat(input) {
      const csat = await repo.insertCsat(input);
      if (csat) await record('csat.created', csat.conversationId, csatData(csat));
      return csat;
    },
  };
}

/**
 * The writes whose changes a webhook reports: made through `repo` outside a transaction, each
 * runs alone or, when someone subscribed, as a transaction with its event (withWebhookEvents).
 */
export const WEBHOOK_REPORTED_WRITES = ['createConversation', 'updateConversation', 'insertMessage', 'appendMessage', 'createTicket', 'updateTicket', 'insertCsat'] as const satisfies readonly (keyof Repository)[];

/**
 * The store with webhook events recorded in every unit of work. A write through `repo` outside a
 * transaction runs alone when no subscriber would be told of it (each is atomic by itself: one
 * statement on PostgreSQL), otherwise as a transaction of its own with its event, so the event is
 * never written apart from its change. Reading the subscriptions before the write rather than
 * after it sees the same under READ COMMITTED: either read may miss a subscription committed
 * while the write is under way, and none sees one committed after it.
 */
export function withWebhookEvents(store: Store, options: WebhookEventOptions): Store {
  async function transaction<T>(work: (repo: Repository) => Promise<T>, subscribers: Promise<WebhookSubscription[]> | null = null): Promise<T> {
    const jobIds: string[] = [];
    const result = await store.transaction((repo) => work(recordingRepository(repo, options.clock, jobIds, subscribers)));
    if (jobIds.length > 0) options.committed?.(jobIds);
    return result;
  }
  const repo = store.repo;
  async function standalone<T>(types: WebhookEventType[], write: (repo: Repository) => Promise<T>): Promise<T> {
    const subscribers = repo.activeWebhookSubscriptions();
    const told = (await subscribers).some((s) => types.some((type) => s.events.includes(type)));
    return told ? transaction(write, subscribers) : write(repo);
  }
  // Exactly the listed writes: the SQLite store groups the same ones into its commits.
  const reported: Pick<Repository, (typeof WEBHOOK_REPORTED_WRITES)[number]> = {
    createConversation: (input) => standalone(['conversation.created'], (r) => r.createConversation(input)),
    updateConversation: (id, patch) => standalone(['conversation.updated'], (r) => r.updateConversation(id, patch)),
    insertMessage: (input) => standalone(['message.created'], (r) => r.insertMessage(input)),
    appendMessage: (input) => standalone(['message.created', 'conversation.updated'], (r) => r.appendMessage(input)),
    createTicket: (input) => standalone(['ticket.created'], (r) => r.createTicket(input)),
    updateTicket: (id, patch, actorId) => standalone(['ticket.updated'], (r) => r.updateTicket(id, patch, actorId)),
    insertCsat: (input) => standalone(['csat.created'], (r) => r.insertCsat(input)),
  };
  // Everything else (migrations, close…) is the store's own.
  return {
    ...store,
    repo: { ...repo, ...reported },
    transaction: (work) => transaction(work),
  };
}
