/**
 * The records the HTTP API answers with, as zod schemas for the API document (/openapi.json).
 * Each is checked against its domain type (`satisfies z.ZodType<…>`), so a field added to the
 * model and not here fails the type check; `meta({ id })` makes each one a named component.
 */
import { z } from 'zod';
import type { AgentMetrics, SlaAttainment } from '../core/analytics.ts';
import type { FailedDelivery } from '../core/outbox.ts';
import type { TicketSla } from '../core/service-levels.ts';
import {
  ChannelKind,
  CONVERSATION_STATUSES,
  TICKET_FIELDS,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  type Attachment,
  type CannedReply,
  type ContactNote,
  type Label,
  type Contact,
  type ContactIdentity,
  type Conversation,
  type CsatResponse,
  type KnowledgeArticle,
  type ApiToken,
  type Ticket,
  type TicketEvent,
} from '../core/types.ts';
import type { InboxRow, StaffMember } from './inbox-routes.ts';
import type { PossibleDuplicate } from './staff-routes.ts';
import type { RenderedMessage } from '../render/message-html.ts';
import type { VisitorConversation, VisitorMessage } from '../../adapters/web/types.ts';

/** Epoch milliseconds, UTC. */
const time = z.number().int().describe('epoch milliseconds (UTC)');
const nullableTime = time.nullable();
const ConversationStatus = z.enum(CONVERSATION_STATUSES);
const Owner = z.enum(['bot', 'human']);
const Direction = z.enum(['inbound', 'outbound']);
const AuthorKind = z.enum(['contact', 'bot', 'human', 'system']);
const DeliveryStatus = z.enum(['received', 'pending', 'queued', 'sent', 'delivered', 'undelivered', 'failed', 'refused']);
const renderedHtml = z.string().nullable().describe('safe HTML rendered from `text` (Markdown) for our replies; null for customer messages');

/** Every API error: `{ error: { code, message, details? } }` with a 4xx or 5xx status. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code, e.g. invalid_input, conversation_not_found'),
      message: z.string().describe('what went wrong, for people'),
      details: z.unknown().optional().describe('per-field problems of invalid input, or facts such as retryAfterSeconds'),
    }),
  })
  .meta({ id: 'Error' });

export const ConversationRecord = z
  .object({
    id: z.string(),
    contactId: z.string(),
    channel: ChannelKind,
    threadKey: z.string().nullable(),
    status: ConversationStatus,
    owner: Owner,
    currentAgent: z.string().nullable(),
    route: z.string().nullable(),
    assigneeId: z.string().nullable(),
    subject: z.string().nullable(),
    agentState: z.record(z.string(), z.unknown()).nullable(),
    visitorTokenHash: z.string().nullable(),
    firstResponseAt: nullableTime,
    firstHumanResponseAt: nullableTime,
    resolvedAt: nullableTime,
    lastMessageAt: time,
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Conversation' }) satisfies z.ZodType<Conversation>;

/** The answer of the staff routes that change a conversation. */
export const ConversationEnvelope = z.object({ conversation: ConversationRecord });

export const MessageRecord = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    channel: ChannelKind,
    direction: Direction,
    authorKind: AuthorKind,
    authorId: z.string().nullable(),
    text: z.string(),
    original: z.string().nullable(),
    html: z.string().nullable(),
    subject: z.string().nullable(),
    internal: z.boolean(),
    agentName: z.string().nullable(),
    route: z.string().nullable(),
    confidence: z.number().nullable(),
    providerMessageId: z.string().nullable(),
    deliveryStatus: DeliveryStatus,
    agentStatus: z.enum(['pending', 'done', 'skipped']).nullable(),
    attempts: z.number().int(),
    error: z.string().nullable(),
    meta: z.record(z.string(), z.unknown()).nullable(),
    createdAt: time,
    renderedHtml,
  })
  .meta({ id: 'Message' }) satisfies z.ZodType<RenderedMessage>;

export const ContactRecord = z
  .object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), createdAt: time, updatedAt: time })
  .meta({ id: 'Contact' }) satisfies z.ZodType<Contact>;

export const IdentityRecord = z
  .object({
    id: z.string(),
    contactId: z.string(),
    channel: ChannelKind,
    address: z.string(),
    displayName: z.string().nullable(),
    verified: z.boolean(),
    createdAt: time,
  })
  .meta({ id: 'ContactIdentity' }) satisfies z.ZodType<ContactIdentity>;

export const AttachmentRecord = z
  .object({ id: z.string(), messageId: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), url: z.string().nullable(), createdAt: time })
  .meta({ id: 'Attachment' }) satisfies z.ZodType<Attachment>;

const SlaShareRecord = z.object({
  met: z.number().int(),
  missed: z.number().int(),
  rate: z.number().nullable().describe('met ÷ (met + missed); null when no target fell due'),
});
export const SlaAttainmentRecord = z
  .object({
    firstResponse: SlaShareRecord,
    resolution: SlaShareRecord,
    daily: z.array(SlaShareRecord.extend({ day: z.string(), target: z.enum(['first_response', 'resolution']) })).describe('per UTC day of the due time'),
  })
  .describe('SLA targets due in the range: met by their due time, or missed (done late or still not done)')
  .meta({ id: 'SlaAttainment' }) satisfies z.ZodType<SlaAttainment>;

export const TicketSlaRecord = z
  .object({
    target: z.enum(['first_response', 'resolution']),
    state: z.enum(['ok', 'due_soon', 'breached', 'paused']).describe('paused: the ticket waits on the customer and the resolution clock is stopped'),
    dueAt: time,
  })
  .meta({ id: 'TicketSla' }) satisfies z.ZodType<TicketSla>;

export const TicketRecord = z
  .object({
    id: z.string(),
    number: z.number().int().describe('the short reference people see (#1042)'),
    conversationId: z.string(),
    status: z.enum(TICKET_STATUSES),
    category: z.string(),
    priority: z.enum(TICKET_PRIORITIES),
    summary: z.string(),
    assigneeId: z.string().nullable(),
    createdAt: time,
    updatedAt: time,
    resolvedAt: nullableTime,
    firstResponseDueAt: nullableTime.describe("when a person must first reply (the deployment's SLA, business time); null without a target"),
    resolutionDueAt: nullableTime.describe('when the ticket must be resolved; null without a target'),
    firstResponseAt: nullableTime.describe("a person's first public reply after the ticket opened"),
    pausedAt: nullableTime.describe('since when the ticket waits on the customer (status waiting); null while the resolution clock runs'),
    pausedMs: z.number().int().describe('business time (ms) the ticket waited on the customer in pauses that ended; resolution is due that much later'),
    sla: TicketSlaRecord.nullable().optional().describe('how the next pending target stands now (ticket list and ticket reads); null when nothing is due'),
  })
  .meta({ id: 'Ticket' }) satisfies z.ZodType<Ticket & { sla?: TicketSla | null }>;

export const TicketEventRecord = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    field: z.enum(TICKET_FIELDS),
    fromValue: z.string().nullable().describe('the value before (a user id for assigneeId; null: none)'),
    toValue: z.string().nullable(),
    actorId: z.string().nullable().describe('the staff user who made the change; null: the agents or the system'),
    createdAt: time,
  })
  .meta({ id: 'TicketEvent' }) satisfies z.ZodType<TicketEvent>;

export const ArticleRecord = z
  .object({ id: z.string(), slug: z.string(), title: z.string(), body: z.string().describe('Markdown'), tags: z.array(z.string()), createdAt: time, updatedAt: time })
  .meta({ id: 'KnowledgeArticle' }) satisfies z.ZodType<KnowledgeArticle>;

export const ArticleSummary = z
  .object({
    slug: z.string(),
    title: z.string(),
    tags: z.array(z.string()),
    updatedAt: time,
    excerpt: z.string(),
    score: z.number().optional().describe('relevance of a search hit, higher is better'),
  })
  .meta({ id: 'KnowledgeArticleSummary' });

export const VisitorConversationRecord = z
  .object({ id: z.string(), status: ConversationStatus, owner: Owner, currentAgent: z.string().nullable(), createdAt: time, lastMessageAt: time })
  .meta({ id: 'VisitorConversation' }) satisfies z.ZodType<VisitorConversation>;

export const VisitorMessageRecord = z
  .object({
    id: z.string(),
    conversationId: z.string(),
    direction: Direction,
    authorKind: AuthorKind,
    text: z.string(),
    renderedHtml,
    agentName: z.string().nullable(),
    route: z.string().nullable(),
    confidence: z.number().nullable(),
    deliveryStatus: DeliveryStatus,
    createdAt: time,
    attachments: z.array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), url: z.string() })),
  })
  .meta({ id: 'VisitorMessage' }) satisfies z.ZodType<VisitorMessage>;

export const CsatRecord = z
  .object({ id: z.string(), conversationId: z.string(), rating: z.number().int().min(1).max(5), comment: z.string().nullable(), createdAt: time })
  .meta({ id: 'Csat' }) satisfies z.ZodType<CsatResponse>;

export const FailedDeliveryRecord = z
  .object({
    jobId: z.string(),
    messageId: z.string(),
    conversationId: z.string(),
    channel: ChannelKind,
    attempts: z.number().int(),
    error: z.string().nullable(),
    failedAt: time,
    text: z.string(),
  })
  .meta({ id: 'FailedDelivery' }) satisfies z.ZodType<FailedDelivery & { jobId: string }>;

const split = z.object({ bot: z.number(), human: z.number() });
const splitMs = z.object({ bot: z.number().nullable(), human: z.number().nullable() });
export const ChannelMetricsRecord = z
  .object({
    conversations: z.number().int(),
    messagesIn: z.number().int(),
    messagesOut: split,
    handoffs: z.number().int(),
    escalated: z.number().int(),
    escalationRate: z.number().nullable(),
    resolved: split,
    botResolutionRate: z.number().nullable().describe('resolved by the bot ÷ (resolved by the bot + handed to humans); a handoff counts when it happens'),
    firstResponseMs: splitMs,
    resolutionMs: splitMs,
    csat: z.object({ average: z.number().nullable(), count: z.number().int() }),
  })
  .meta({ id: 'ChannelMetrics' });

/** One staff member's figures in GET /v1/analytics. */
export const AgentMetricsRecord = z
  .object({
    userId: z.string(),
    name: z.string().nullable().describe('null when the user no longer exists'),
    handled: z.number().int().describe('conversations the agent replied in'),
    resolved: z.number().int().describe('conversations resolved with humans involved while assigned to the agent'),
    medianFirstResponseMs: z.number().nullable().describe("median of the agent's first responses, timed from the handoff"),
  })
  .meta({ id: 'AgentMetrics' }) satisfies z.ZodType<AgentMetrics>;

/** Another contact that may be the same person (GET /v1/conversations/:id). */
export const PossibleDuplicateRecord = z
  .object({ contactId: z.string(), name: z.string().nullable(), email: z.string().nullable(), channels: z.array(ChannelKind) })
  .meta({ id: 'PossibleDuplicate' }) satisfies z.ZodType<PossibleDuplicate>;

export const LabelRecord = z
  .object({ id: z.string(), name: z.string(), color: z.string().describe('#rrggbb'), createdAt: time })
  .meta({ id: 'Label' }) satisfies z.ZodType<Label>;

export const CannedReplyRecord = z
  .object({ id: z.string(), shortcut: z.string(), title: z.string(), body: z.string(), createdBy: z.string().nullable(), createdAt: time, updatedAt: time })
  .meta({ id: 'CannedReply' }) satisfies z.ZodType<CannedReply>;

export const ContactNoteRecord = z
  .object({ id: z.string(), contactId: z.string(), authorId: z.string().nullable(), text: z.string(), createdAt: time })
  .meta({ id: 'ContactNote' }) satisfies z.ZodType<ContactNote>;

export const StaffMemberRecord = z
  .object({ id: z.string(), name: z.string(), email: z.string(), role: z.enum(['agent', 'admin']), available: z.boolean().describe('takes round-robin assignments'), disabledAt: nullableTime.describe('when the user was disabled; null: enabled') })
  .meta({ id: 'StaffMember' }) satisfies z.ZodType<StaffMember>;

/** An API token or console session as admins see it (GET /v1/tokens): never its secret or hash. */
export const TokenRecord = z
  .object({
    id: z.string(),
    userId: z.string().nullable().describe("null: an operator token (acts as admin)"),
    name: z.string().describe('what it is for; console sessions are named "console session: <email>"'),
    prefix: z.string().describe('the first characters of the secret, to recognise it'),
    createdAt: time,
    expiresAt: nullableTime,
    lastUsedAt: nullableTime,
    revokedAt: nullableTime,
  })
  .meta({ id: 'ApiToken' }) satisfies z.ZodType<Omit<ApiToken, 'tokenHash'>>;

export const InboxRowRecord = z
  .object({
    conversation: ConversationRecord,
    customer: z.object({ id: z.string(), name: z.string().nullable(), handle: z.string().nullable() }),
    assignee: StaffMemberRecord.nullable(),
    lastMessage: z.object({ id: z.string(), text: z.string(), direction: Direction, authorKind: AuthorKind, createdAt: time }).nullable(),
    unread: z.number().int(),
    labels: z.array(LabelRecord),
    ticket: z.object({ id: z.string(), number: z.number().int(), status: z.enum(TICKET_STATUSES), sla: TicketSlaRecord.nullable() }).nullable(),
  })
  .meta({ id: 'InboxRow' }) satisfies z.ZodType<InboxRow>;

export const StaffUser = z
  .object({ id: z.string(), email: z.string(), name: z.string(), role: z.enum(['agent', 'admin']), available: z.boolean().describe('takes round-robin assignments') })
  .meta({ id: 'StaffUser' });

