/**
 * The conversation model every channel is normalised into. Inputs that cross a trust boundary
 * (webhooks, API bodies) are zod schemas; records read back from the store are plain types.
 * Timestamps are epoch milliseconds (UTC) everywhere.
 */
import { z } from 'zod';

export const CHANNELS = ['web', 'sms', 'email', 'slack'] as const;
export const ChannelKind = z.enum(CHANNELS);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const CONVERSATION_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type Owner = 'bot' | 'human';

/**
 * `waiting`: the team waits on the customer (Zendesk's "Pending"); the resolution clock stops until
 * the customer writes again, which reopens the ticket.
 */
export const TICKET_STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'escalated'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

export type Direction = 'inbound' | 'outbound';
/** Who wrote a message: the customer, an agent of the graph, a human agent, or Frontdesk itself. */
export type AuthorKind = 'contact' | 'bot' | 'human' | 'system';
/**
 * Delivery state. Inbound messages are `received`; outbound ones move through
 * pending → sent → delivered (or failed / undelivered / refused when a channel forbids sending).
 */
export type DeliveryStatus =
  | 'received'
  | 'pending'
  | 'queued'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'refused';
/** Whether the agents still owe an answer to an inbound message (crash recovery reads this). */
export type AgentStatus = 'pending' | 'done' | 'skipped';

export const AttachmentInput = z.object({
  filename: z.string().max(255),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
  url: z.string().max(2048).optional(),
  /** Inline bytes for small attachments (the adapter enforces its size limit). */
  data: z.instanceof(Uint8Array).optional(),
});
export type AttachmentInput = z.infer<typeof AttachmentInput>;

/** One message from a customer, as every adapter hands it to the pipeline. */
export const InboundMessage = z.object({
  channel: ChannelKind,
  /** The customer's address on the channel: E.164 number, email, Slack user id, web visitor id. */
  from: z.object({
    address: z.string().min(1).max(320),
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
  }),
  /** Our address on the channel the customer wrote to (support number, mailbox, Slack channel). */
  to: z.string().max(320).optional(),
  /** The customer's new words (quoted history and signatures removed); what agents read. */
  text: z.string(),
  /** The full original text when `text` was cut from it (email quotes), kept for staff. */
  original: z.string().optional(),
  html: z.string().optional(),
  subject: z.string().max(998).optional(),
  attachments: z.array(AttachmentInput).default([]),
  /** The provider's id for this message: the dedupe key per channel. */
  providerMessageId: z.string().max(998).optional(),
  receivedAt: z.number().int(),
  thread: z
    .object({
      /** A known conversation (web widget sessions name theirs). */
      conversationId: z.string().optional(),
      /** Channel thread key: SMS number pair, Slack channel:thread_ts. */
      key: z.string().max(500).optional(),
      /** Provider ids this message answers (email In-Reply-To / References). */
      references: z.array(z.string().max(998)).max(100).optional(),
      /** Normalised subject, the weakest threading hint (email). */
      subjectKey: z.string().max(998).optional(),
    })
    .default({}),
  /** Stored but never answered (auto-replies, bounces): no loops. */
  noReply: z.boolean().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type InboundMessage = z.input<typeof InboundMessage>;
export type ParsedInbound = z.output<typeof InboundMessage>;

export interface Contact {
  id: string;
  name: string | null;
  email: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface ContactIdentity {
  id: string;
  contactId: string;
  channel: ChannelKind;
  address: string;
  displayName: string | null;
  verified: boolean;
  createdAt: number;
}

export interface Conversation {
  id: string;
  contactId: string;
  channel: ChannelKind;
  threadKey: string | null;
  status: ConversationStatus;
  owner: Owner;
  currentAgent: string | null;
  route: string | null;
  assigneeId: string | null;
  subject: string | null;
  /** Agent memory between turns, e.g. a question waiting for an order id. */
  agentState: Record<string, unknown> | null;
  /** Hash of the web visitor's token; null on other channels. */
  visitorTokenHash: string | null;
  firstResponseAt: number | null;
  firstHumanResponseAt: number | null;
  resolvedAt: number | null;
  lastMessageAt: number;
  createdAt: number;
  updatedAt: number;
}

export interface Message {
  id: string;
  conversationId: string;
  channel: ChannelKind;
  direction: Direction;
  authorKind: AuthorKind;
  authorId: string | null;
  text: string;
  original: string | null;
  html: string | null;
  subject: string | null;
  /** Internal notes are never delivered to the customer. */
  internal: boolean;
  agentName: string | null;
  route: string | null;
  confidence: number | null;
  providerMessageId: string | null;
  deliveryStatus: DeliveryStatus;
  agentStatus: AgentStatus | null;
  attempts: number;
  error: string | null;
  meta: Record<string, unknown> | null;
  createdAt: number;
}

export interface Attachment {
  id: string;
  messageId: string;
  filename: string;
  contentType: string;
  size: number;
  url: string | null;
  createdAt: number;
}

export interface Ticket {
  id: string;
  /** The short number people see (#1042): sequential per deployment database, assigned by the store when the ticket is created. */
  number: number;
  conversationId: string;
  status: TicketStatus;
  category: string;
  priority: TicketPriority;
  summary: string;
  assigneeId: string | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** When a person must first reply (the deployment's SLA for the priority, in business time); null without a target. */
  firstResponseDueAt: number | null;
  /** When the ticket must be resolved; null without a target. */
  resolutionDueAt: number | null;
  /** A person's first public reply in the conversation after the ticket opened. */
  firstResponseAt: number | null;
  /** Since when the ticket waits on the customer (status `waiting`); null while the resolution clock runs. */
  pausedAt: number | null;
  /** Business time (ms) spent waiting on the customer in pauses that ended; resolution is due that much later. */
  pausedMs: number;
}

/** A ticket's SLA fields, which a new ticket may leave out (no target, nobody replied yet, never paused). */
export type TicketSlaFields = 'firstResponseDueAt' | 'resolutionDueAt' | 'firstResponseAt' | 'pausedAt' | 'pausedMs';

/** The ticket fields whose changes are kept as the ticket's history. */
export const TICKET_FIELDS = ['status', 'priority', 'assigneeId'] as const satisfies readonly (keyof Ticket)[];
export type TicketField = (typeof TICKET_FIELDS)[number];

/** One change of one ticket field: from what, to what, by whom (null: the agents or the system), when. */
export interface TicketEvent {
  id: string;
  ticketId: string;
  field: TicketField;
  fromValue: string | null;
  toValue: string | null;
  actorId: string | null;
  createdAt: number;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';
/** What an outbox job delivers: a reply to a customer, or an event to a webhook subscription. */
export type OutboxKind = 'reply' | 'webhook';
export interface OutboxJob {
  id: string;
  kind: OutboxKind;
  /** The reply (kind `reply`); null for webhook jobs. */
  messageId: string | null;
  /** The webhook event and the subscription it goes to (kind `webhook`); null for replies. */
  eventId: string | null;
  subscriptionId: string | null;
  /** The conversation the reply or event belongs to, and its channel. */
  conversationId: string;
  channel: ChannelKind;
  status: OutboxStatus;
  attempts: number;
  runAt: number;
  lockedUntil: number | null;
  /** When the attempt in flight was claimed (null when none is): a claim that finds it set knows an earlier attempt was cut off. */
  sendingSince: number | null;
  lastError: string | null;
  /** Start of the delivery window (retries stop after the outbox's max age); a staff resend starts a new one. */
  createdAt: number;
  updatedAt: number;
}

export const EVENT_TYPES = [
  'conversation_created',
  'first_response',
  'handoff',
  'escalated',
  'resolved',
  'reopened',
  'csat',
  'message_in',
  'message_out',
  'route_corrected',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
/** Who an event is attributed to, so bot time and human time are never mixed. */
export type Actor = 'bot' | 'human' | 'contact' | 'system';

export interface MetricEvent {
  id: string;
  conversationId: string;
  type: EventType;
  actor: Actor;
  channel: ChannelKind;
  /** A measurement in milliseconds or a rating, depending on the type. */
  value: number | null;
  data: Record<string, unknown> | null;
  createdAt: number;
}

export interface KnowledgeArticle {
  id: string;
  slug: string;
  title: string;
  body: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

export interface KnowledgeHit {
  article: KnowledgeArticle;
  /** Relevance, higher is better; comparable within one search only. */
  score: number;
}

/**
 * One passage of a knowledge article (a section under a heading, a list, a table or a paragraph;
 * src/core/passages.ts), indexed for search on its own with the article's title and its heading.
 */
export interface KnowledgePassage {
  /** `<articleId>:<position>`; stable while the article's passages keep their order. */
  id: string;
  articleId: string;
  /** The article's slug and title: the answer's source. */
  slug: string;
  title: string;
  /** The section heading, without Markdown; null for text before the article's first heading. */
  heading: string | null;
  /** Markdown text of the passage, without its heading. */
  text: string;
  /** 0-based order within the article. */
  position: number;
}

export interface PassageHit {
  passage: KnowledgePassage;
  /** Relevance, higher is better; comparable within one search only. */
  score: number;
}

export interface Order {
  id: string;
  contactEmail: string;
  /** E.164 phone number given with the order (SMS askers are matched against it), when there is one. */
  contactPhone: string | null;
  status: 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'returned';
  items: { sku: string; name: string; quantity: number; priceCents: number }[];
  totalCents: number;
  currency: string;
  placedAt: number;
  shippedAt: number | null;
  deliveredAt: number | null;
  carrier: string | null;
  trackingNumber: string | null;
  estimatedDelivery: number | null;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'admin';
  passwordHash: string | null;
  slackUserId: string | null;
  /** Takes round-robin assignments. */
  available: boolean;
  /** When the user was disabled (sign-in and tokens refused); null while enabled. */
  disabledAt: number | null;
  createdAt: number;
}

export interface ApiToken {
  id: string;
  userId: string | null;
  name: string;
  tokenHash: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface CsatResponse {
  id: string;
  conversationId: string;
  rating: number;
  comment: string | null;
  createdAt: number;
}

/** A label staff put on conversations (billing, vip…) to sort and filter the inbox. */
export interface Label {
  id: string;
  /** Unique, lower case, letters, digits, - and _ (how it is typed in filters). */
  name: string;
  /** A CSS hex colour (#rrggbb) for its chip in the console. */
  color: string;
  createdAt: number;
}

/** A reply text staff insert with `/shortcut`; its body may hold placeholders (src/core/canned-replies.ts). */
export interface CannedReply {
  id: string;
  /** Unique, what follows the `/` in the reply box. */
  shortcut: string;
  title: string;
  body: string;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A staff note on a contact, never shown to the customer. */
export interface ContactNote {
  id: string;
  contactId: string;
  authorId: string | null;
  text: string;
  createdAt: number;
}

/** The events outgoing webhooks announce (README "Outgoing webhooks"). */
export const WEBHOOK_EVENT_TYPES = [
  'conversation.created',
  'conversation.updated',
  'message.created',
  'ticket.created',
  'ticket.updated',
  'csat.created',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Where and what to send; the secret signs every request (HMAC-SHA256). */
export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
  events: WebhookEventType[];
  active: boolean;
  /** Why delivery stopped (the receiver answered 410 Gone), or null. */
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** One thing that happened, as sent to subscribers: ids and states, customer text only in message.created. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  conversationId: string;
  data: Record<string, unknown>;
  createdAt: number;
}
