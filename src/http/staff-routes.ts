/**
 * The staff API under /v1: conversations and tickets, replying as a human, taking over and
 * handing back, analytics, the knowledge base (/v1/kb, kb-routes.ts) and data exports (/v1/exports, export-routes.ts). Every route needs a staff API token.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { computeAnalytics } from '../core/analytics.ts';
import { ANALYTICS_CSV_HEADER, analyticsCsv } from '../core/analytics-csv.ts';
import { ConflictError, InvalidInputError, NotFoundError, UnauthorizedError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { metricEvent } from '../core/pipeline.ts';
import type { EventBus, Pipeline, Repository, Store, SupportDesk } from '../core/ports.ts';
import { NO_SERVICE_LEVELS, type ServiceLevels } from '../core/service-levels.ts';
import type { StaffPrincipal } from '../core/staff-auth.ts';
import { ChannelKind, CONVERSATION_STATUSES, TICKET_PRIORITIES, TICKET_STATUSES, type Contact, type ContactIdentity, type Message, type Ticket } from '../core/types.ts';
import { failedDeliveries } from '../core/outbox.ts';
import { errors, json, jsonBody, jsonResponse, queryParameters, staffRoute } from './api-doc.ts';
import { readReply, replySchema } from './reply-body.ts';
import { AgentMetricsRecord, SlaAttainmentRecord, AttachmentRecord, ChannelMetricsRecord, ContactNoteRecord, ContactRecord, ConversationEnvelope, ConversationRecord, FailedDeliveryRecord, IdentityRecord, LabelRecord, MessageRecord, PossibleDuplicateRecord, TicketEventRecord, TicketRecord } from './api-schemas.ts';
import { query, readJson } from './body.ts';
import { csvRow } from '../core/csv.ts';
import { withRenderedHtml } from '../render/message-html.ts';
import { createInboxRoutes } from './inbox-routes.ts';
import { createExportRoutes } from './export-routes.ts';
import { createKnowledgeRoutes } from './kb-routes.ts';
import { createTeamRoutes } from './team-routes.ts';
import { createWebhookRoutes } from './webhook-routes.ts';
import type { Webhooks } from '../core/webhooks.ts';
import { ADMIN_ONLY_ROUTES, requireRole } from './roles.ts';
import { streamTopic } from './sse.ts';

export interface StaffRouteDeps {
  store: Store;
  support: SupportDesk;
  bus: EventBus;
  now(): number;
  maxMessageChars: number;
  authenticate(token: string): Promise<StaffPrincipal>;
  /** Routes the triage knows, for route corrections. */
  routes: string[];
  /** The staff token of a console session cookie, or null (src/console/server.ts); checked after the bearer token. */
  sessionToken?(c: Context): Promise<string | null>;
  /** Sends a failed reply again (outbox.resend); without it the resend route answers 409. */
  resend?(messageId: string): Promise<Message>;
  /** Resumes a run paused for approval (pipeline.resumeApproval); without it the approval route answers 409. */
  resumeApproval?: Pipeline['resumeApproval'];
  /** Called after a knowledge article is created, replaced or deleted (refreshes the running engine); never rejects. */
  knowledgeChanged?(): Promise<void>;
  /** Outgoing webhook subscriptions (admins, /v1/webhooks); absent where the runtime has none (Workers). */
  webhooks?: Webhooks;
  /** The deployment's SLA targets (default: none), for the SLA state of tickets and inbox rows. */
  serviceLevels?: ServiceLevels;
}

const DAY = 86_400_000;
/** The last millisecond of year 9999: later times have no ISO 8601 date (and past 8.64e15 no Date at all). */
const LAST_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const epoch = z.coerce.number().int().min(0).max(LAST_EPOCH_MS, 'must be epoch milliseconds no later than the year 9999');
const optionalId = z.string().min(1).max(64).optional();

export const ConversationQuery = z.object({
  channel: ChannelKind.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  owner: z.enum(['bot', 'human']).optional(),
  route: z.string().max(64).optional(),
  assignee: optionalId,
  contact: optionalId,
  search: z.string().max(200).optional(),
  since: epoch.optional(),
  until: epoch.optional(),
  before: optionalId,
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const TicketQuery = z.object({
  status: z.enum(TICKET_STATUSES).optional(),
  priority: z.enum(TICKET_PRIORITIES).optional(),
  assignee: optionalId,
  conversation: optionalId,
  before: optionalId,
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
export const FailedQuery = z.object({ before: optionalId, limit: z.coerce.number().int().min(1).max(200).optional() });
export const AnalyticsQuery = z.object({ since: epoch.optional(), until: epoch.optional(), channel: ChannelKind.optional() });

/** Another contact that may be the same person: shares an email or a phone number. */
export interface PossibleDuplicate {
  contactId: string;
  name: string | null;
  email: string | null;
  /** The channels that contact has written on. */
  channels: ChannelKind[];
}

/**
 * Contacts sharing this contact's email (its own or an email identity) or phone (SMS identity).
 * Frontdesk never joins them on its own when the shared address was only typed; staff decide and
 * merge (POST /v1/contacts/:id/merge).
 */
async function possibleDuplicates(repo: Repository, contact: Contact | null, identities: ContactIdentity[]): Promise<PossibleDuplicate[]> {
  if (!contact) return [];
  const emails = new Set<string>();
  for (const email of [contact.email, ...identities.filter((i) => i.channel === 'email').map((i) => i.address)]) {
    if (email) emails.add(email).add(email.trim().toLowerCase());
  }
  const phones = identities.filter((i) => i.channel === 'sms').map((i) => i.address);
  const others = (await repo.contactsSharing([...emails], phones)).filter((other) => other.id !== contact.id);
  return Promise.all(
    others.map(async (other) => ({
      contactId: other.id,
      name: other.name,
      email: other.email,
      channels: [...new Set((await repo.listIdentities(other.id)).map((i) => i.channel))],
    })),
  );
}

/** What led to a ticket and what followed: the messages before it was opened (at most 6) and after (at most 14), oldest first. */
export function ticketExcerpt(messages: Message[], openedAt: number): Message[] {
  const split = messages.findIndex((m) => m.createdAt > openedAt);
  const at = split === -1 ? messages.length : split;
  return messages.slice(Math.max(0, at - 6), at + 14);
}

export function createStaffRoutes(deps: StaffRouteDeps) {
  const { store, support, bus } = deps;
  const serviceLevels = deps.serviceLevels ?? NO_SERVICE_LEVELS;
  /** A ticket as the API shows it: with how its next SLA target stands now. */
  const withSla = (ticket: Ticket) => ({ ...ticket, sla: serviceLevels.stateOf(ticket, deps.now()) });
  const app = new Hono();

  // One lookup per request: the role middleware and the handler both ask.
  const principals = new WeakMap<Request, Promise<StaffPrincipal>>();
  const staff = (c: Context): Promise<StaffPrincipal> => {
    let principal = principals.get(c.req.raw);
    if (!principal) principals.set(c.req.raw, (principal = authenticateRequest(c)));
    return principal;
  };
  const authenticateRequest = async (c: Context): Promise<StaffPrincipal> => {
    const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
    const token = match?.[1] ?? c.req.query('token') ?? (await deps.sessionToken?.(c));
    if (!token) throw new UnauthorizedError('A staff API token is required (Authorization: Bearer fd_…).');
    return deps.authenticate(token);
  };
  // Registered before every route, so the role check runs before the handler it guards.
  for (const route of ADMIN_ONLY_ROUTES) app.on(route.method, route.path, requireRole('admin', staff));
  const conversationOr404 = async (id: string) => {
    const conversation = await store.repo.getConversation(id);
    if (!conversation) throw new NotFoundError('conversation', id);
    return conversation;
  };

  const ReplyBody = replySchema(deps.maxMessageChars);
  const AssignBody = z.object({ userId: z.string().min(1).nullable() });
  const ApprovalBody = z.object({ approve: z.boolean(), note: z.string().trim().min(1).max(1_000).optional() });
  const MergeBody = z.object({ intoContactId: z.string().trim().min(1).max(64) });
  const RouteBody = z.object({ route: z.string().refine((r) => deps.routes.includes(r), `route must be one of ${deps.routes.join(', ')}`) });
  const TicketPatch = z
    .object({
      status: z.enum(TICKET_STATUSES).optional(),
      priority: z.enum(TICKET_PRIORITIES).optional(),
      assigneeId: z.string().min(1).nullable().optional(),
    })
    .refine((p) => Object.keys(p).length > 0, 'give at least one of status, priority, assigneeId');

  app.get('/conversations', staffRoute('List conversations, newest first', {
    parameters: queryParameters(ConversationQuery),
    responses: { 200: jsonResponse('A page of conversations; `next` is the `before` of the next page, null on the last.', z.object({ conversations: z.array(ConversationRecord), next: z.string().nullable() })) },
  }), async (c) => {
    await staff(c);
    const q = query(c, ConversationQuery);
    const conversations = await store.repo.listConversations({
      channel: q.channel,
      status: q.status,
      owner: q.owner,
      route: q.route,
      assigneeId: q.assignee,
      contactId: q.contact,
      search: q.search,
      since: q.since,
      until: q.until,
      before: q.before,
      limit: q.limit,
    });
    const next = conversations.length === (q.limit ?? 50) ? conversations.at(-1)?.id : undefined;
    return c.json({ conversations, next: next ?? null });
  });

  app.get('/conversations/:id', staffRoute('A conversation with its contact, messages, attachments, tickets and possible duplicates', {
    responses: {
      200: jsonResponse('The conversation and what staff need to work it', z.object({ conversation: ConversationRecord, contact: ContactRecord.nullable(), identities: z.array(IdentityRecord), messages: z.array(MessageRecord), attachments: z.array(AttachmentRecord), tickets: z.array(TicketRecord), otherConversations: z.array(ConversationRecord), possibleDuplicates: z.array(PossibleDuplicateRecord), labels: z.array(LabelRecord), contactTickets: z.array(TicketRecord), notes: z.array(ContactNoteRecord), routes: z.array(z.string()) })),
      ...errors(404),
    },
  }), async (c) => {
    await staff(c);
    const conversation = await conversationOr404(c.req.param('id'));
    const [contact, identities, messages, tickets] = await Promise.all([
      store.repo.getContact(conversation.contactId),
      store.repo.listIdentities(conversation.contactId),
      store.repo.listMessages(conversation.id, { includeInternal: true, limit: 200 }),
      store.repo.listTickets({ conversationId: conversation.id }),
    ]);
    const [attachments, sameContact, duplicates, contactTickets, notes, [summary]] = await Promise.all([
      store.repo.listAttachments(messages.map((m) => m.id)),
      store.repo.listConversations({ contactId: conversation.contactId, limit: 20 }),
      possibleDuplicates(store.repo, contact, identities),
      store.repo.listTickets({ contactId: conversation.contactId, limit: 20 }),
      store.repo.listContactNotes(conversation.contactId),
      store.repo.summarizeConversations([conversation.id], null),
    ]);
    const otherConversations = sameContact.filter((other) => other.id !== conversation.id);
    return c.json({
      conversation,
      contact,
      identities,
      messages: messages.map(withRenderedHtml),
      attachments,
      tickets,
      otherConversations,
      possibleDuplicates: duplicates,
      labels: summary!.labels,
      // The contact profile: their tickets on every conversation, and staff notes on them.
      contactTickets,
      notes,
      // What the route correction may choose from.
      routes: deps.routes,
    });
  });

  /**
   * Staff confirm two contacts are one person: identities and conversations of :id move to
   * `intoContactId` and the emptied contact is deleted, in one transaction. What one identity
   * proves (an email sender's address) then counts for the merged contact's conversations too.
   */
  app.post('/contacts/:id/merge', staffRoute('Merge a contact into another', {
    requestBody: jsonBody(MergeBody, { intoContactId: '01JD0000000000000000000000' }),
    responses: { 200: jsonResponse('The contact merged into, with all identities', z.object({ contact: ContactRecord, identities: z.array(IdentityRecord) })), ...errors(404, 409) },
  }), async (c) => {
    await staff(c);
    const body = await readJson(c, MergeBody);
    const fromId = c.req.param('id');
    if (fromId === body.intoContactId) throw new ConflictError('merge_into_itself', 'A contact cannot be merged into itself; give another intoContactId.');
    const merged = await store.transaction(async (repo) => {
      for (const id of [fromId, body.intoContactId]) if (!(await repo.getContact(id))) throw new NotFoundError('contact', id);
      return (await repo.mergeContacts(fromId, body.intoContactId, deps.now()))!;
    });
    const identities = await store.repo.listIdentities(merged.id);
    return c.json({ contact: merged, identities });
  });

  app.post('/conversations/:id/replies', staffRoute('Reply as a human (or add an internal note), with files as multipart/form-data', {
    requestBody: {
      required: true,
      content: {
        ...json(ReplyBody, { text: 'Hi Maria, I have re-sent the parcel.', internal: false }),
        'multipart/form-data': {
          schema: { type: 'object', required: ['text'], properties: { text: { type: 'string' }, internal: { type: 'string', enum: ['true', 'false'] }, files: { type: 'array', items: { type: 'string', format: 'binary' } } } },
        },
      },
    },
    responses: { 201: jsonResponse("The stored reply, queued for delivery on the conversation's channel, and its attachments", z.object({ message: MessageRecord, attachments: z.array(AttachmentRecord) })), ...errors(404, 413, 415, 422) },
  }), async (c) => {
    const principal = await staff(c);
    const body = await readReply(c, deps.maxMessageChars);
    const conversation = await conversationOr404(c.req.param('id'));
    const message = await support.replyAsHuman({
      conversationId: conversation.id,
      userId: principal.userId,
      text: body.text,
      internal: body.internal,
      attachments: body.attachments,
    });
    return c.json({ message: withRenderedHtml(message), attachments: await store.repo.listAttachments([message.id]) }, 201);
  });

  /** A stored file (a customer's or a staff reply's) as it was received, for staff to open. */
  app.get('/attachments/:attachmentId', staffRoute("An attachment's bytes", {
    responses: { 200: { description: 'The file, as a download', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, ...errors(404) },
  }), async (c) => {
    await staff(c);
    const found = await store.repo.getAttachmentData(c.req.param('attachmentId'));
    if (!found?.data) throw new NotFoundError('attachment', c.req.param('attachmentId'));
    const { attachment, data } = found;
    return c.body(data as Uint8Array<ArrayBuffer>, 200, {
      // Served as a download, never rendered on our origin: an HTML or SVG file cannot run as the console.
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`,
      'x-content-type-options': 'nosniff',
    });
  });

  app.post('/conversations/:id/takeover', staffRoute('Take the conversation over from the agents', { responses: { 200: jsonResponse('The conversation, owned by a human', ConversationEnvelope), ...errors(404) } }), async (c) => {
    const principal = await staff(c);
    return c.json({ conversation: await support.takeOver(c.req.param('id'), principal.userId) });
  });
  app.post('/conversations/:id/handback', staffRoute('Hand the conversation back to the agents', { responses: { 200: jsonResponse('The conversation, owned by the bot', ConversationEnvelope), ...errors(404) } }), async (c) => {
    const principal = await staff(c);
    return c.json({ conversation: await support.handBack(c.req.param('id'), principal.userId) });
  });
  app.post('/conversations/:id/resolve', staffRoute('Resolve the conversation', { responses: { 200: jsonResponse('The resolved conversation', ConversationEnvelope), ...errors(404) } }), async (c) => {
    const principal = await staff(c);
    return c.json({ conversation: await support.resolve(c.req.param('id'), 'human', principal.userId) });
  });
  app.post('/conversations/:id/assign', staffRoute('Assign the conversation to a staff user (null: nobody)', {
    requestBody: jsonBody(AssignBody, { userId: '01JD0000000000000000000001' }),
    responses: { 200: jsonResponse('The assigned conversation', ConversationEnvelope), ...errors(404, 409) },
  }), async (c) => {
    await staff(c);
    const body = await readJson(c, AssignBody);
    return c.json({ conversation: await support.assign(c.req.param('id'), body.userId) });
  });

  /** A person approves or rejects the refund or cancellation the agents paused on; the resumed reply goes to the customer. */
  app.post('/conversations/:id/approval', staffRoute('Approve or reject the refund or cancellation the agents paused on', {
    requestBody: jsonBody(ApprovalBody, { approve: true, note: 'Refund approved: damaged in transit.' }),
    responses: { 200: jsonResponse('The resumed reply (null when none) and the conversation', z.object({ message: MessageRecord.nullable(), conversation: ConversationRecord.nullable() })), ...errors(404, 409) },
  }), async (c) => {
    const principal = await staff(c);
    const body = await readJson(c, ApprovalBody);
    await conversationOr404(c.req.param('id'));
    if (!deps.resumeApproval) throw new ConflictError('approvals_unsupported', 'The agent engine does not pause for approvals.');
    const message = await deps.resumeApproval(c.req.param('id'), { approve: body.approve, note: body.note, userId: principal.userId });
    return c.json({ message: message && withRenderedHtml(message), conversation: await store.repo.getConversation(c.req.param('id')) });
  });

  /** Replies the outbox gave up on (after its retry window, or refused by the provider), newest first: what staff may resend. */
  app.get('/deliveries/failed', staffRoute('Replies delivery gave up on, newest first', {
    parameters: queryParameters(FailedQuery),
    responses: { 200: jsonResponse('A page of failed deliveries; `next` is the `before` of the next page', z.object({ failed: z.array(FailedDeliveryRecord), next: z.string().nullable() })) },
  }), async (c) => {
    await staff(c);
    const filter = query(c, FailedQuery);
    const failed = await failedDeliveries(store.repo, filter);
    return c.json({ failed, next: failed.length === (filter.limit ?? 50) ? failed.at(-1)!.jobId : null });
  });

  /** Sends a failed reply again, now, with a new retry window (404 message_not_found, 409 not_failed). */
  app.post('/messages/:id/resend', staffRoute('Send a failed reply again, with a new retry window', { responses: { 200: jsonResponse('The requeued reply', z.object({ message: MessageRecord })), ...errors(404, 409) } }), async (c) => {
    await staff(c);
    if (!deps.resend) throw new ConflictError('resend_unsupported', 'This server cannot send replies.');
    return c.json({ message: withRenderedHtml(await deps.resend(c.req.param('id'))) });
  });

  /** A human corrects the route of a conversation's latest customer message (training data). */
  app.post('/conversations/:id/route', staffRoute('Correct the route of the latest customer message (kept as training data)', {
    requestBody: jsonBody(RouteBody, { route: deps.routes[0] ?? 'faq' }),
    responses: { 200: jsonResponse('The conversation with its corrected route', ConversationEnvelope), ...errors(404) },
  }), async (c) => {
    const principal = await staff(c);
    const body = await readJson(c, RouteBody);
    const conversation = await conversationOr404(c.req.param('id'));
    const recent = await store.repo.recentMessages(conversation.id, 50);
    const inbound = recent.reverse().find((m) => m.direction === 'inbound');
    if (!inbound) throw new InvalidInputError('The conversation has no customer message to correct.', undefined, 'nothing_to_correct');
    const now = deps.now();
    await store.transaction(async (repo) => {
      await repo.insertRouteCorrection({
        id: newId(),
        messageId: inbound.id,
        conversationId: conversation.id,
        fromRoute: inbound.route,
        toRoute: body.route,
        text: inbound.text,
        userId: principal.userId,
        createdAt: now,
      });
      await repo.updateMessage(inbound.id, { route: body.route });
      await repo.updateConversation(conversation.id, { route: body.route, updatedAt: now });
      await repo.insertEvents([metricEvent(conversation, 'route_corrected', 'human', now, null, { from: inbound.route, to: body.route })]);
    });
    return c.json({ conversation: await store.repo.getConversation(conversation.id) });
  });

  app.get('/tickets', staffRoute('List tickets, newest first', { parameters: queryParameters(TicketQuery), responses: { 200: jsonResponse('Tickets', z.object({ tickets: z.array(TicketRecord) })) } }), async (c) => {
    await staff(c);
    const q = query(c, TicketQuery);
    const tickets = await store.repo.listTickets({
      status: q.status,
      priority: q.priority,
      assigneeId: q.assignee,
      conversationId: q.conversation,
      before: q.before,
      limit: q.limit,
    });
    return c.json({ tickets: tickets.map(withSla) });
  });

  /**
   * The ticket list (same filters) as CSV for a spreadsheet, every page of it, streamed a page at
   * a time; numbers and times as people read them (#1042, ISO 8601 UTC), assignees by name.
   */
  app.get('/tickets/export.csv', staffRoute('The ticket list (same filters) as CSV, every page, streamed', {
    parameters: queryParameters(TicketQuery.omit({ before: true, limit: true })),
    responses: { 200: { description: 'CSV with a header row: ticket, status, priority, category, summary, assignee, conversation, created, updated, resolved', content: { 'text/csv': { schema: { type: 'string' } } } } },
  }), async (c) => {
    await staff(c);
    const q = query(c, TicketQuery.omit({ before: true, limit: true }));
    const names = new Map((await store.repo.listUsers()).map((u) => [u.id, u.name]));
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const encoder = new TextEncoder();
    let before: string | undefined;
    let done = false;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (done) return controller.close();
        const header = before === undefined ? csvRow(['ticket', 'status', 'priority', 'category', 'summary', 'assignee', 'conversation', 'created', 'updated', 'resolved']) : '';
        const page = await store.repo.listTickets({ status: q.status, priority: q.priority, assigneeId: q.assignee, conversationId: q.conversation, before, limit: 200 });
        done = page.length < 200;
        before = page.at(-1)?.id;
        const rows = page.map((t) =>
          csvRow([`#${t.number}`, t.status, t.priority, t.category, t.summary, t.assigneeId ? (names.get(t.assigneeId) ?? t.assigneeId) : null, t.conversationId, iso(t.createdAt), iso(t.updatedAt), iso(t.resolvedAt)]),
        );
        controller.enqueue(encoder.encode(header + rows.join('')));
      },
    });
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    return c.body(body, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="frontdesk-tickets-${day}.csv"` });
  });

  app.get('/tickets/:id', staffRoute('A ticket with its conversation, the excerpt of it around the ticket, and the history of its changes', {
    responses: {
      200: jsonResponse('The ticket; `messages` are the few before it was opened and the first after, oldest first; `history` its status, priority and assignee changes, oldest first', z.object({ ticket: TicketRecord, conversation: ConversationRecord.nullable(), messages: z.array(MessageRecord), history: z.array(TicketEventRecord) })),
      ...errors(404),
    },
  }), async (c) => {
    await staff(c);
    const ticket = await store.repo.getTicket(c.req.param('id'));
    if (!ticket) throw new NotFoundError('ticket', c.req.param('id'));
    const [conversation, messages, history] = await Promise.all([
      store.repo.getConversation(ticket.conversationId),
      store.repo.listMessages(ticket.conversationId, { includeInternal: true, limit: 200 }),
      store.repo.listTicketEvents(ticket.id),
    ]);
    return c.json({ ticket: withSla(ticket), conversation, messages: ticketExcerpt(messages, ticket.createdAt).map(withRenderedHtml), history });
  });

  app.patch('/tickets/:id', staffRoute('Change a ticket\'s status, priority or assignee', {
    requestBody: jsonBody(TicketPatch, { status: 'in_progress', priority: 'high' }),
    responses: { 200: jsonResponse('The changed ticket', z.object({ ticket: TicketRecord })), ...errors(404, 409) },
  }), async (c) => {
    const principal = await staff(c);
    const patch = await readJson(c, TicketPatch);
    return c.json({ ticket: withSla(await support.updateTicket(c.req.param('id'), patch, principal.userId)) });
  });

  app.get('/routes', staffRoute("The triage's routes, for the inbox's route filter and route corrections", { responses: { 200: jsonResponse('Route names', z.object({ routes: z.array(z.string()) })) } }), async (c) => {
    await staff(c);
    return c.json({ routes: deps.routes });
  });

  app.get('/analytics', staffRoute('Support metrics over a time range (default: the last 30 days); with `channel`, every figure and the daily series are of that channel only', {
    parameters: queryParameters(AnalyticsQuery),
    responses: {
      200: jsonResponse('Totals, per-channel and per-agent metrics, SLA attainment, and conversations started per day', z.object({ since: z.number(), until: z.number(), total: ChannelMetricsRecord, channels: z.partialRecord(ChannelKind, ChannelMetricsRecord), agents: z.array(AgentMetricsRecord), sla: SlaAttainmentRecord, daily: z.array(z.object({ day: z.string(), channel: ChannelKind, count: z.number().int() })) })),
    },
  }), async (c) => {
    await staff(c);
    const range = analyticsRange(query(c, AnalyticsQuery));
    const [analytics, daily] = await Promise.all([computeAnalytics(store, range), store.repo.dailyVolume(range.since, range.until, range.channel)]);
    return c.json({ ...analytics, daily });
  });

  app.get('/analytics.csv', staffRoute('The same metrics as CSV: a row per channel and one for all channels (SLA attainment on that one)', {
    parameters: queryParameters(AnalyticsQuery),
    responses: { 200: { description: `CSV with a header row: ${ANALYTICS_CSV_HEADER.join(', ')}`, content: { 'text/csv': { schema: { type: 'string' } } } }, ...errors(400) },
  }), async (c) => {
    await staff(c);
    const range = analyticsRange(query(c, AnalyticsQuery));
    const csv = analyticsCsv(await computeAnalytics(store, range));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const name = `frontdesk-analytics-${range.channel ? `${range.channel}-` : ''}${day(range.since)}-${day(range.until)}.csv`;
    return c.body(csv, 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"` });
  });

  /** The range of an analytics query: the last 30 days unless it says otherwise. */
  function analyticsRange(q: z.output<typeof AnalyticsQuery>) {
    const until = q.until ?? deps.now();
    const since = q.since ?? until - 30 * DAY;
    if (since > until) throw new InvalidInputError('since must not be after until.', undefined, 'invalid_range');
    return { since, until, now: deps.now(), channel: q.channel };
  }

  app.route('/', createInboxRoutes({ store, bus, now: deps.now, staff, serviceLevels }));
  app.route('/', createTeamRoutes({ store, now: deps.now, staff }));
  app.route('/exports', createExportRoutes({ store, authenticate: staff }));
  app.route('/kb', createKnowledgeRoutes({ store, now: deps.now, authenticate: staff, knowledgeChanged: deps.knowledgeChanged }));
  if (deps.webhooks) app.route('/webhooks', createWebhookRoutes({ webhooks: deps.webhooks }));

  /** Everything that happens, live, for consoles. */
  app.get('/events', staffRoute('Everything that happens, live (Server-Sent Events)', { responses: { 200: { description: 'An event stream: `message`, `conversation`, `ticket`, `typing` and other events, each with its JSON data', content: { 'text/event-stream': { schema: { type: 'string' } } } } } }), async (c) => {
    await staff(c);
    return streamTopic(c, {
      bus,
      topic: '*',
      view: (event) => ({ event: event.type, id: event.type === 'message' ? event.message.id : undefined, data: event }),
      backlog: async () => [],
    });
  });

  return app;
}
