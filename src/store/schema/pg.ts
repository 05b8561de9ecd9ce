/**
 * The data model on PostgreSQL. Property names match src/store/schema/sqlite.ts exactly, so one
 * repository serves both dialects. The full-text column on knowledge articles (tsvector + GIN)
 * lives in a custom migration.
 */
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type {
  AgentStatus,
  AuthorKind,
  ChannelKind,
  ConversationStatus,
  DeliveryStatus,
  Direction,
  MetricEvent,
  Order,
  OutboxKind,
  OutboxStatus,
  Owner,
  TicketField,
  TicketPriority,
  TicketStatus,
  User,
  WebhookEventType,
} from '../../core/types.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });
type Json = Record<string, unknown>;
const epoch = () => bigint({ mode: 'number' });
const bool = () => boolean();
const json = <T>() => jsonb().$type<T>();

export const contacts = pgTable('contacts', {
  id: text().primaryKey(),
  name: text(),
  email: text(),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
}, (t) => [index('contacts_email_idx').on(t.email)]);

export const contactIdentities = pgTable('contact_identities', {
  id: text().primaryKey(),
  contactId: text().notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  channel: text().$type<ChannelKind>().notNull(),
  address: text().notNull(),
  displayName: text(),
  verified: bool().notNull().default(false),
  createdAt: epoch().notNull(),
}, (t) => [
  uniqueIndex('contact_identities_channel_address_uq').on(t.channel, t.address),
  index('contact_identities_contact_idx').on(t.contactId),
]);

export const users = pgTable('users', {
  id: text().primaryKey(),
  email: text().notNull().unique(),
  name: text().notNull(),
  role: text().$type<User['role']>().notNull().default('agent'),
  passwordHash: text(),
  slackUserId: text().unique(),
  /** Takes round-robin assignments (the user says so in the console or the API). */
  available: bool().notNull().default(false),
  /** Set by `frontdesk user disable`: sign-in and the user's tokens are refused. */
  disabledAt: epoch(),
  createdAt: epoch().notNull(),
});

export const conversations = pgTable('conversations', {
  id: text().primaryKey(),
  contactId: text().notNull().references(() => contacts.id),
  channel: text().$type<ChannelKind>().notNull(),
  threadKey: text(),
  subjectKey: text(),
  status: text().$type<ConversationStatus>().notNull(),
  owner: text().$type<Owner>().notNull(),
  currentAgent: text(),
  route: text(),
  assigneeId: text().references(() => users.id, { onDelete: 'set null' }),
  subject: text(),
  agentState: json<Json>(),
  visitorTokenHash: text(),
  firstResponseAt: epoch(),
  firstHumanResponseAt: epoch(),
  resolvedAt: epoch(),
  lastMessageAt: epoch().notNull(),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
}, (t) => [
  index('conversations_thread_idx').on(t.channel, t.threadKey),
  index('conversations_contact_idx').on(t.contactId, t.channel),
  index('conversations_status_idx').on(t.status, t.owner, t.lastMessageAt),
  // The inbox lists by latest activity and pages on (lastMessageAt, id).
  index('conversations_activity_idx').on(t.lastMessageAt, t.id),
  // The inbox lists newest first (by id) under one filter: each common filter walks its own index
  // in that order instead of sorting every match.
  index('conversations_status_id_idx').on(t.status, t.id),
  index('conversations_channel_id_idx').on(t.channel, t.id),
  index('conversations_assignee_id_idx').on(t.assigneeId, t.id),
  // The daily volume counts conversations by creation day and channel from the index alone.
  index('conversations_created_idx').on(t.createdAt, t.channel),
]);

export const messages = pgTable('messages', {
  id: text().primaryKey(),
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  channel: text().$type<ChannelKind>().notNull(),
  direction: text().$type<Direction>().notNull(),
  authorKind: text().$type<AuthorKind>().notNull(),
  authorId: text(),
  text: text().notNull(),
  original: text(),
  html: text(),
  subject: text(),
  internal: bool().notNull().default(false),
  agentName: text(),
  route: text(),
  confidence: doublePrecision(),
  providerMessageId: text(),
  deliveryStatus: text().$type<DeliveryStatus>().notNull(),
  agentStatus: text().$type<AgentStatus>(),
  attempts: integer().notNull().default(0),
  error: text(),
  meta: json<Json>(),
  createdAt: epoch().notNull(),
}, (t) => [
  uniqueIndex('messages_provider_id_uq').on(t.channel, t.providerMessageId),
  index('messages_conversation_idx').on(t.conversationId, t.id),
  index('messages_agent_pending_idx').on(t.agentStatus, t.createdAt),
  // Staff replies by time: the triggers pairing human first responses with their replies look them up here.
  // Partial, so only staff replies pay for it on the write path; the trigger repeats the predicate
  // as literals, which is what lets the planner use a partial index.
  index('messages_staff_replies_idx')
    .on(t.createdAt, t.authorId, t.conversationId, t.channel, t.internal)
    .where(sql`${t.authorKind} = 'human' and ${t.direction} = 'outbound'`),
  // Inbox search: words of any language as they are ('simple'), split at every non-alphanumeric
  // character as SQLite's FTS5 splits them, matched as prefixes (src/store/pg/message-search.ts).
  index('messages_text_search_idx').using('gin', sql`to_tsvector('simple', regexp_replace(${t.text}, '[^[:alnum:]]+', ' ', 'g'))`),
  // The same words prefixed by the message's id chunk, so a search reads the newest chunks' hits
  // first (hitOrder in src/store/pg/message-search.ts); the function is migration pg 0020's.
  index('messages_recent_search_idx').using('gin', sql`message_recent_lexemes(${t.id}, ${t.text})`),
]);

export const attachments = pgTable('attachments', {
  id: text().primaryKey(),
  messageId: text().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  filename: text().notNull(),
  contentType: text().notNull(),
  size: integer().notNull(),
  url: text(),
  data: bytea(),
  createdAt: epoch().notNull(),
}, (t) => [index('attachments_message_idx').on(t.messageId)]);

export const tickets = pgTable('tickets', {
  id: text().primaryKey(),
  /** From the column's identity sequence, assigned by the insert itself. */
  number: integer().notNull().generatedByDefaultAsIdentity(),
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  status: text().$type<TicketStatus>().notNull(),
  category: text().notNull(),
  priority: text().$type<TicketPriority>().notNull(),
  summary: text().notNull(),
  assigneeId: text().references(() => users.id, { onDelete: 'set null' }),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
  resolvedAt: epoch(),
  /** SLA targets (business time from createdAt, by priority); null without a target. */
  firstResponseDueAt: epoch(),
  resolutionDueAt: epoch(),
  /** A person's first public reply in the conversation after the ticket opened. */
  firstResponseAt: epoch(),
  /** While the ticket waits on the customer: since when (the resolution clock is stopped). */
  pausedAt: epoch(),
  /** Business time spent waiting on the customer in pauses that ended (ms); resolution is due that much later. */
  pausedMs: epoch().notNull().default(0),
}, (t) => [
  index('tickets_status_idx').on(t.status, t.createdAt),
  index('tickets_status_id_idx').on(t.status, t.id),
  index('tickets_conversation_idx').on(t.conversationId),
  uniqueIndex('tickets_number_idx').on(t.number),
  // SLA outcomes over a range of due times, read from the index alone.
  index('tickets_first_response_due_idx').on(t.firstResponseDueAt, t.firstResponseAt, t.conversationId).where(sql`${t.firstResponseDueAt} is not null`),
  index('tickets_resolution_due_idx').on(t.resolutionDueAt, t.resolvedAt, t.pausedAt, t.conversationId).where(sql`${t.resolutionDueAt} is not null`),
]);

/**
 * The round-robin turn: one row, bumped with an upsert in the transaction that assigns a
 * conversation. The bump holds the row's lock until commit, so two replicas never take one turn.
 */
export const assignmentTurns = pgTable('assignment_turns', {
  id: integer().primaryKey(),
  value: integer().notNull(),
});

/**
 * What changed on a ticket, who changed it and when: one row per changed field (status, assignee
 * or priority), written by the repository's updateTicket in the change's own transaction.
 */
export const ticketEvents = pgTable('ticket_events', {
  id: text().primaryKey(),
  ticketId: text().notNull().references(() => tickets.id, { onDelete: 'cascade' }),
  field: text().$type<TicketField>().notNull(),
  fromValue: text(),
  toValue: text(),
  /** The staff user who made the change; null for the agents or the system (a conversation resolved). */
  actorId: text().references(() => users.id, { onDelete: 'set null' }),
  createdAt: epoch().notNull(),
}, (t) => [index('ticket_events_ticket_idx').on(t.ticketId, t.createdAt)]);

export const outbox = pgTable('outbox', {
  id: text().primaryKey(),
  kind: text().$type<OutboxKind>().notNull().default('reply'),
  messageId: text().unique().references(() => messages.id, { onDelete: 'cascade' }),
  eventId: text().references(() => webhookEvents.id, { onDelete: 'cascade' }),
  subscriptionId: text().references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
  conversationId: text().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  status: text().$type<OutboxStatus>().notNull(),
  attempts: integer().notNull().default(0),
  runAt: epoch().notNull(),
  lockedUntil: epoch(),
  /** When the attempt in flight was claimed; cleared when it settles. Set at a claim: an earlier attempt may have reached the provider. */
  sendingSince: epoch(),
  lastError: text(),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
}, (t) => [index('outbox_due_idx').on(t.status, t.runAt), index('outbox_subscription_idx').on(t.subscriptionId)]);

export const events = pgTable('events', {
  id: text().primaryKey(),
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  type: text().$type<MetricEvent['type']>().notNull(),
  actor: text().$type<MetricEvent['actor']>().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  value: doublePrecision(),
  data: json<Json>(),
  createdAt: epoch().notNull(),
}, (t) => [
  index('events_type_time_idx').on(t.createdAt, t.type),
  index('events_conversation_idx').on(t.conversationId, t.type),
  // Agent analytics: staff's first responses and resolutions over a time range, without reading
  // every event in it (events_type_time_idx leads with the time), from the index alone. Partial, as above.
  index('events_staff_idx').on(t.type, t.createdAt, t.conversationId, t.channel, t.value).where(sql`${t.actor} = 'human'`),
]);

/**
 * The metric events summed per UTC day (`day`: epoch ms of its midnight), channel, type and actor,
 * kept up to date by insertEvents in the transaction that inserts the events, so analytics over
 * months read a few hundred rows instead of every event. `valueSum`/`valueCount` give the mean of
 * the events that carry a value, as avg() over the events would.
 *
 * Every message adds to the same few rows of the day, and each transaction holds the rows it added
 * to until it commits: with one row per key, concurrent message transactions (and replicas) would
 * queue behind each other there. So each key has up to ROLLUP_SHARDS rows (`shard`, by the
 * writing session), and readers sum them.
 */
export const eventRollups = pgTable('event_rollups', {
  day: epoch().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  type: text().$type<MetricEvent['type']>().notNull(),
  actor: text().$type<MetricEvent['actor']>().notNull(),
  shard: smallint().notNull().default(0),
  count: integer().notNull(),
  valueSum: doublePrecision().notNull(),
  valueCount: integer().notNull(),
}, (t) => [primaryKey({ columns: [t.day, t.channel, t.type, t.actor, t.shard] })]);

/**
 * Conversations started per UTC day and channel (the analytics' daily series), kept by a trigger
 * on conversations (migration 0019_analytics_rollups) in the statement that inserts one; sharded
 * by the writing session as event_rollups are, so new conversations do not queue on one row.
 */
export const conversationRollups = pgTable('conversation_rollups', {
  day: epoch().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  shard: smallint().notNull(),
  count: integer().notNull(),
}, (t) => [primaryKey({ columns: [t.day, t.channel, t.shard] })]);

/**
 * Staff replies (public, with an author), each with the time of the same author's previous reply
 * in the same conversation (`previousAt`, null for the first; ties ordered by message id), kept by
 * a trigger on messages (migration 0019_analytics_rollups). The conversations an agent replied in
 * over a range are then counted, not made distinct: each has exactly one reply in the range
 * whose previous one is not.
 */
export const staffReplies = pgTable('staff_replies', {
  messageId: text().primaryKey().references(() => messages.id, { onDelete: 'cascade' }),
  userId: text().notNull(),
  conversationId: text().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  createdAt: epoch().notNull(),
  previousAt: epoch(),
}, (t) => [
  index('staff_replies_time_idx').on(t.createdAt, t.userId, t.previousAt, t.channel),
  // The trigger finds a new reply's neighbours in its author's and conversation's sequence.
  index('staff_replies_sequence_idx').on(t.conversationId, t.userId, t.createdAt, t.messageId),
]);

/**
 * Human first responses with the staff reply that gave them (the reply at the event's instant in
 * its conversation), kept by triggers on events and messages (migration 0019_analytics_rollups), whichever of
 * the two is written first, so agents' first responses over a range are read without a join.
 */
export const staffFirstResponses = pgTable('staff_first_responses', {
  eventId: text().notNull().references(() => events.id, { onDelete: 'cascade' }),
  messageId: text().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  userId: text().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  createdAt: epoch().notNull(),
  ms: doublePrecision(),
}, (t) => [
  primaryKey({ columns: [t.eventId, t.messageId] }),
  index('staff_first_responses_time_idx').on(t.createdAt, t.userId, t.ms, t.channel),
]);

/**
 * Human resolutions per UTC day, channel and the conversation's assignee, kept by triggers
 * (migration 0019_analytics_rollups): a resolved event adds to its conversation's assignee, and
 * a new assignee takes over the conversation's past resolutions, as reading them through the
 * conversation's current assignee would count them. Sharded by session as event_rollups are.
 */
export const resolutionRollups = pgTable('resolution_rollups', {
  day: epoch().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  assigneeId: text().notNull(),
  shard: smallint().notNull(),
  count: integer().notNull(),
}, (t) => [primaryKey({ columns: [t.day, t.channel, t.assigneeId, t.shard] })]);

/**
 * How many conversations there are per status, owner, channel, route and assignee ('' for none),
 * kept by triggers on conversations (migrations/pg/0021_conversation_tallies.sql), so the inbox
 * tabs' counts read a few rows instead of every conversation (countConversationsBy). Sharded by
 * the writing session as event_rollups is: new conversations would otherwise queue on one row.
 */
export const conversationTallies = pgTable('conversation_tallies', {
  status: text().$type<ConversationStatus>().notNull(),
  owner: text().$type<Owner>().notNull(),
  channel: text().$type<ChannelKind>().notNull(),
  route: text().notNull(),
  assigneeId: text().notNull(),
  shard: smallint().notNull().default(0),
  n: integer().notNull(),
}, (t) => [primaryKey({ columns: [t.status, t.owner, t.channel, t.route, t.assigneeId, t.shard] })]);

export const csatResponses = pgTable('csat_responses', {
  id: text().primaryKey(),
  conversationId: text().notNull().unique().references(() => conversations.id, { onDelete: 'cascade' }),
  rating: integer().notNull(),
  comment: text(),
  createdAt: epoch().notNull(),
});

export const kbArticles = pgTable('kb_articles', {
  id: text().primaryKey(),
  slug: text().notNull().unique(),
  title: text().notNull(),
  body: text().notNull(),
  /** Comma-separated, so the full-text index can read it. */
  tags: text().notNull().default(''),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
});

/**
 * Knowledge articles cut into passages (src/core/passages.ts), rewritten with their article by
 * upsertArticle. Its weighted tsvector (`search`, with the article's title) lives in a custom
 * migration.
 */
export const kbPassages = pgTable('kb_passages', {
  id: text().primaryKey(),
  articleId: text().notNull().references(() => kbArticles.id, { onDelete: 'cascade' }),
  position: integer().notNull(),
  heading: text(),
  text: text().notNull(),
}, (t) => [uniqueIndex('kb_passages_article_position_idx').on(t.articleId, t.position)]);

export const orders = pgTable('orders', {
  id: text().primaryKey(),
  contactEmail: text().notNull(),
  contactPhone: text(),
  status: text().$type<Order['status']>().notNull(),
  items: json<Order['items']>().notNull(),
  totalCents: integer().notNull(),
  currency: text().notNull(),
  placedAt: epoch().notNull(),
  shippedAt: epoch(),
  deliveredAt: epoch(),
  carrier: text(),
  trackingNumber: text(),
  estimatedDelivery: epoch(),
}, (t) => [index('orders_email_idx').on(t.contactEmail)]);

export const apiTokens = pgTable('api_tokens', {
  id: text().primaryKey(),
  userId: text().references(() => users.id, { onDelete: 'cascade' }),
  name: text().notNull(),
  tokenHash: text().notNull().unique(),
  prefix: text().notNull(),
  createdAt: epoch().notNull(),
  expiresAt: epoch(),
  lastUsedAt: epoch(),
  revokedAt: epoch(),
});

export const optOuts = pgTable('opt_outs', {
  channel: text().$type<ChannelKind>().notNull(),
  address: text().notNull(),
  createdAt: epoch().notNull(),
}, (t) => [primaryKey({ columns: [t.channel, t.address] })]);

export const processedEvents = pgTable('processed_events', {
  provider: text().notNull(),
  key: text().notNull(),
  createdAt: epoch().notNull(),
}, (t) => [primaryKey({ columns: [t.provider, t.key] })]);

/** Per-channel progress markers (IMAP UIDVALIDITY/last UID per mailbox). */
export const channelCursors = pgTable('channel_cursors', {
  scope: text().notNull(),
  key: text().notNull(),
  value: json<unknown>().notNull(),
  updatedAt: epoch().notNull(),
}, (t) => [primaryKey({ columns: [t.scope, t.key] })]);

/** Leases so that one replica at a time does singleton work (polling a mailbox). */
export const leases = pgTable('leases', {
  name: text().primaryKey(),
  holder: text().notNull(),
  expiresAt: epoch().notNull(),
});

/** Links between a conversation and threads elsewhere (the Slack support desk). */
export const externalThreads = pgTable('external_threads', {
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  target: text().notNull(),
  externalId: text().notNull(),
  createdAt: epoch().notNull(),
}, (t) => [
  primaryKey({ columns: [t.target, t.externalId] }),
  index('external_threads_conversation_idx').on(t.conversationId, t.target),
]);

/** Route corrections by humans: training data for the next `frontdesk train`. */
export const routeCorrections = pgTable('route_corrections', {
  id: text().primaryKey(),
  messageId: text().notNull().references(() => messages.id, { onDelete: 'cascade' }),
  conversationId: text().notNull(),
  fromRoute: text(),
  toRoute: text().notNull(),
  text: text().notNull(),
  userId: text(),
  createdAt: epoch().notNull(),
});


/** Labels staff put on conversations; conversation_labels holds which conversation carries which. */
export const labels = pgTable('labels', {
  id: text().primaryKey(),
  name: text().notNull().unique(),
  color: text().notNull(),
  createdAt: epoch().notNull(),
});

export const conversationLabels = pgTable('conversation_labels', {
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  labelId: text().notNull().references(() => labels.id, { onDelete: 'cascade' }),
  createdAt: epoch().notNull(),
}, (t) => [
  primaryKey({ columns: [t.conversationId, t.labelId] }),
  index('conversation_labels_label_idx').on(t.labelId, t.conversationId),
]);

/** Reply texts staff insert with /shortcut in the console. */
export const cannedReplies = pgTable('canned_replies', {
  id: text().primaryKey(),
  shortcut: text().notNull().unique(),
  title: text().notNull(),
  body: text().notNull(),
  createdBy: text().references(() => users.id, { onDelete: 'set null' }),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
});

/** Staff notes on a contact (the console's profile panel); they move with the contact on a merge. */
export const contactNotes = pgTable('contact_notes', {
  id: text().primaryKey(),
  contactId: text().notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  authorId: text().references(() => users.id, { onDelete: 'set null' }),
  text: text().notNull(),
  createdAt: epoch().notNull(),
}, (t) => [index('contact_notes_contact_idx').on(t.contactId, t.id)]);

/** How far each staff user has read each conversation: customer messages after it count as unread. */
export const conversationReads = pgTable('conversation_reads', {
  userId: text().notNull().references(() => users.id, { onDelete: 'cascade' }),
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  readAt: epoch().notNull(),
}, (t) => [primaryKey({ columns: [t.userId, t.conversationId] })]);

/** Outgoing webhook subscriptions (staff API and CLI); the secret signs requests, so it is kept as given. */
export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: text().primaryKey(),
  url: text().notNull(),
  secret: text().notNull(),
  events: json<WebhookEventType[]>().notNull(),
  active: bool().notNull().default(true),
  disabledReason: text(),
  createdAt: epoch().notNull(),
  updatedAt: epoch().notNull(),
});

/** Events for webhook subscribers, written in the transaction of the change; one outbox job per subscriber. */
export const webhookEvents = pgTable('webhook_events', {
  id: text().primaryKey(),
  type: text().$type<WebhookEventType>().notNull(),
  conversationId: text().notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  data: json<Json>().notNull(),
  createdAt: epoch().notNull(),
});
