/**
 * The staff console's inbox under /v1 (mounted by staff-routes.ts): the inbox list with its tabs,
 * counts and readable rows; read marks; labels; canned replies; the contact profile and its notes;
 * the staff directory for assignee choices. Admin-only routes are listed in roles.ts.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { INBOX_VIEWS, viewFilter, withinView, type InboxView } from '../core/inbox-views.ts';
import type { ConversationFilter, ConversationSummary, EventBus, Store } from '../core/ports.ts';
import type { ServiceLevels, TicketSla } from '../core/service-levels.ts';
import type { StaffPrincipal } from '../core/staff-auth.ts';
import { ChannelKind, CONVERSATION_STATUSES, type Conversation, type Ticket, type User } from '../core/types.ts';
import { errors, jsonBody, jsonResponse, queryParameters, staffRoute } from './api-doc.ts';
import { CannedReplyRecord, ContactNoteRecord, ContactRecord, ConversationRecord, IdentityRecord, InboxRowRecord, LabelRecord, StaffMemberRecord, TicketRecord } from './api-schemas.ts';
import { CONTROL, query, readJson } from './body.ts';

export interface InboxRouteDeps {
  store: Store;
  bus: EventBus;
  now(): number;
  /** The /v1 staff authentication (401 without a valid token). */
  staff(c: Context): Promise<StaffPrincipal>;
  /** The deployment's SLA targets: how each row's ticket stands. */
  serviceLevels: ServiceLevels;
}

/** A staff member as other staff see them: never the password hash or Slack id. */
export type StaffMember = Pick<User, 'id' | 'name' | 'email' | 'role' | 'available' | 'disabledAt'>;

/** A staff user as the directory shows them: never the password hash or Slack id. */
export const staffMember = ({ id, name, email, role, available, disabledAt }: User): StaffMember => ({ id, name, email, role, available, disabledAt });

/** One inbox row: the conversation and what a person needs to pick it from a list. */
export interface InboxRow extends Omit<ConversationSummary, 'conversationId' | 'contact' | 'identities' | 'ticket'> {
  conversation: Conversation;
  /** The newest ticket, with how its next SLA target stands. */
  ticket: (Pick<Ticket, 'id' | 'number' | 'status'> & { sla: TicketSla | null }) | null;
  /** Who wrote: the contact's name, else their email, else a phone or other address. */
  customer: { id: string; name: string | null; handle: string | null };
  assignee: StaffMember | null;
}

const DEFAULT_LIMIT = 50;
const id = z.string().trim().min(1).max(64);
/** The inbox cursor: the last row's lastMessageAt and id, as `<ms>_<id>`. */
const Cursor = z
  .string()
  .regex(/^\d{1,16}_[0-9A-Za-z-]{1,64}$/, 'cursor must be the `next` value of the previous page')
  .transform((s) => {
    const at = s.indexOf('_');
    return { lastMessageAt: Number(s.slice(0, at)), id: s.slice(at + 1) };
  });
export const InboxQuery = z.object({
  view: z.enum(INBOX_VIEWS).default('all'),
  channel: ChannelKind.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  label: id.optional(),
  assignee: id.optional(),
  route: z.string().max(64).optional(),
  search: z.string().max(200).optional(),
  cursor: Cursor.optional(),
  /** Comma-separated conversation ids: which of them match now (the console's live update). */
  ids: z
    .string()
    .max(64 * 65)
    .transform((s) => s.split(',').filter(Boolean))
    .refine((list) => list.length <= 50, 'at most 50 ids')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(DEFAULT_LIMIT),
});

const oneLine = (what: string, max: number) =>
  z
    .string({ error: `${what} is required and must be a string` })
    .refine((s) => !CONTROL.test(s) && !/[\r\n]/.test(s), `${what} must be one line without control characters`)
    .transform((s) => s.trim())
    .refine((s) => s.length > 0 && s.length <= max, `${what} must be 1–${max} characters`);
const text = (what: string, max: number) =>
  z
    .string({ error: `${what} is required and must be a string` })
    .refine((s) => !CONTROL.test(s), `${what} contains control characters`)
    .transform((s) => s.replace(/\r\n?/g, '\n').trim())
    .refine((s) => s.length > 0 && s.length <= max, `${what} must be 1–${max} characters`);
/** Label names and shortcuts are typed: lower case letters, digits, - and _. */
const handle = (what: string) =>
  z
    .string({ error: `${what} is required and must be a string` })
    .transform((s) => s.trim().toLowerCase().replace(/^\//, ''))
    .refine((s) => /^[\p{Ll}\p{N}][\p{Ll}\p{N}_-]{0,39}$/u.test(s), `${what} must be 1–40 letters, digits, - or _`);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'color must be #rrggbb').transform((s) => s.toLowerCase());

export const LabelBody = z.object({ name: handle('name'), color: Color.default('#6e7781') });
export const LabelPatch = z.object({ name: handle('name').optional(), color: Color.optional() }).refine((p) => p.name !== undefined || p.color !== undefined, 'give name or color');
export const CannedBody = z.object({ shortcut: handle('shortcut'), title: oneLine('title', 120), body: text('body', 5_000) });
export const CannedPatch = z
  .object({ shortcut: handle('shortcut').optional(), title: oneLine('title', 120).optional(), body: text('body', 5_000).optional() })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'give shortcut, title or body');
export const NoteBody = z.object({ text: text('text', 5_000) });
export const CannedQuery = z.object({ search: z.string().max(100).optional() });

const Deleted = z.object({ deleted: z.literal(true) });
const AvailabilityBody = z.object({ available: z.boolean() }).strict();
const Labels = z.object({ labels: z.array(LabelRecord) });
const EXAMPLE_CANNED = { shortcut: 'refund-eta', title: 'Refund timing', body: 'Refunds reach your account within 5 business days, {{contact.name}}.' };

/** Name, else email, else a phone or another address that is not a web visitor's internal id. */
function customerOf(summary: ConversationSummary): InboxRow['customer'] {
  const { contact, identities } = summary;
  const handle = contact?.email ?? identities.find((i) => i.channel === 'sms')?.address ?? identities.find((i) => i.channel !== 'web')?.address ?? null;
  const name = contact?.name ?? identities.find((i) => i.displayName)?.displayName ?? null;
  return { id: contact?.id ?? '', name, handle };
}

/**
 * A search's tab counts stop once this many conversations match (then shown as lower bounds, "312+"):
 * counting every conversation a common word is in reads all of its messages, a second at a
 * million messages, on every reload of an inbox that is searching.
 */
const ENOUGH_TO_COUNT = 100;

export function createInboxRoutes(deps: InboxRouteDeps) {
  const { store, bus, staff } = deps;
  const app = new Hono();

  const conversationOr404 = async (conversationId: string) => {
    const conversation = await store.repo.getConversation(conversationId);
    if (!conversation) throw new NotFoundError('conversation', conversationId);
    return conversation;
  };
  /** Tells consoles the conversation changed (labels are not on the conversation row itself). */
  const announce = async (conversationId: string) => {
    const conversation = await store.repo.getConversation(conversationId);
    if (conversation) bus.publish({ type: 'conversation', conversationId, conversation });
  };

  /** Rows for conversations, with everything a list shows, in a fixed number of queries. */
  async function rowsOf(conversations: Conversation[], userId: string | null): Promise<InboxRow[]> {
    const [summaries, users] = await Promise.all([store.repo.summarizeConversations(conversations.map((c) => c.id), userId), store.repo.listUsers()]);
    const now = deps.now();
    return conversations.map((conversation, i) => {
      const { conversationId: _, contact: __, identities: ___, ticket, ...summary } = summaries[i]!;
      const assignee = users.find((u) => u.id === conversation.assigneeId);
      return {
        conversation,
        customer: customerOf(summaries[i]!),
        assignee: assignee ? staffMember(assignee) : null,
        ...summary,
        ticket: ticket ? { id: ticket.id, number: ticket.number, status: ticket.status, sla: deps.serviceLevels.stateOf(ticket, now) } : null,
      };
    });
  }

  app.get('/inbox', staffRoute('The inbox: a page of rows for a view, with every view\'s count', {
    parameters: queryParameters(InboxQuery),
    responses: {
      200: jsonResponse('Rows by latest activity; `next` is the `cursor` of the next page', z.object({
        rows: z.array(InboxRowRecord),
        next: z.string().nullable(),
        counts: z.record(z.enum(INBOX_VIEWS), z.number().int()),
        countsComplete: z.boolean().describe(`false when a search matches at least ${ENOUGH_TO_COUNT} conversations: the counts are then at least what they say, from its newest matches`),
      })),
    },
  }), async (c) => {
    const principal = await staff(c);
    const q = query(c, InboxQuery);
    const userId = principal.userId ?? null;
    const base: ConversationFilter = { channel: q.channel, status: q.status, labelId: q.label, assigneeId: q.assignee, route: q.route, search: q.search };
    const views = Object.fromEntries(INBOX_VIEWS.map((view) => [view, viewFilter(view, userId)])) as Record<InboxView, ConversationFilter>;
    const [{ counts, complete }, conversations] = await Promise.all([
      store.repo.countConversationsBy(base, views, { enough: ENOUGH_TO_COUNT }),
      store.repo.listConversations({
        ...withinView({ ...base, ids: q.ids }, views[q.view]),
        order: 'activity',
        after: q.ids ? undefined : q.cursor,
        limit: q.ids ? 200 : q.limit,
      }),
    ]);
    const last = conversations.at(-1);
    const next = !q.ids && last && conversations.length === q.limit ? `${last.lastMessageAt}_${last.id}` : null;
    return c.json({ rows: await rowsOf(conversations, userId), next, counts, countsComplete: complete });
  });

  /** The user has read the conversation as far as it goes now: its customer messages stop counting as unread. */
  app.post('/conversations/:id/read', staffRoute('Mark the conversation read by the signed-in user', { responses: { 200: jsonResponse('Marked', z.object({ ok: z.literal(true) })), ...errors(404) } }), async (c) => {
    const principal = await staff(c);
    const conversation = await conversationOr404(c.req.param('id'));
    if (!principal.userId) throw new InvalidInputError('Only a staff user reads conversations; this token has no user.', undefined, 'no_user');
    await store.repo.markRead(conversation.id, principal.userId, deps.now());
    return c.json({ ok: true });
  });

  app.get('/users', staffRoute('The staff directory (for assignee choices)', { responses: { 200: jsonResponse('Staff members', z.object({ users: z.array(StaffMemberRecord) })) } }), async (c) => {
    await staff(c);
    return c.json({ users: (await store.repo.listUsers()).map(staffMember) });
  });

  /** Whether the signed-in user takes round-robin assignments (an agent says when they are in). */
  app.put('/me/availability', staffRoute('Set whether the signed-in user takes round-robin assignments', {
    requestBody: jsonBody(AvailabilityBody, { available: true }),
    responses: { 200: jsonResponse('The user', z.object({ user: StaffMemberRecord })), ...errors(400) },
  }), async (c) => {
    const principal = await staff(c);
    const { available } = await readJson(c, AvailabilityBody);
    if (!principal.userId) throw new InvalidInputError('Only a staff user takes assignments; this token has no user.', undefined, 'no_user');
    await store.repo.updateUser(principal.userId, { available });
    return c.json({ user: staffMember((await store.repo.getUser(principal.userId))!) });
  });

  // ── labels ──
  app.get('/labels', staffRoute('Labels', { responses: { 200: jsonResponse('Every label', Labels) } }), async (c) => {
    await staff(c);
    return c.json({ labels: await store.repo.listLabels() });
  });
  app.post('/labels', staffRoute('Create a label (admin)', { requestBody: jsonBody(LabelBody, { name: 'vip', color: '#d4a72c' }), responses: { 201: jsonResponse('The label', z.object({ label: LabelRecord })), ...errors(403, 409) } }), async (c) => {
    await staff(c);
    const body = await readJson(c, LabelBody);
    const label = await store.repo.createLabel({ id: newId(), ...body, createdAt: deps.now() });
    if (!label) throw new ConflictError('label_exists', `A label named ${JSON.stringify(body.name)} exists already.`);
    return c.json({ label }, 201);
  });
  app.patch('/labels/:labelId', staffRoute('Rename or recolour a label (admin)', { requestBody: jsonBody(LabelPatch, { color: '#cf222e' }), responses: { 200: jsonResponse('The label', z.object({ label: LabelRecord })), ...errors(403, 404, 409) } }), async (c) => {
    await staff(c);
    const patch = await readJson(c, LabelPatch);
    const label = await store.repo.updateLabel(c.req.param('labelId'), patch);
    if (label === 'conflict') throw new ConflictError('label_exists', `A label named ${JSON.stringify(patch.name)} exists already.`);
    if (!label) throw new NotFoundError('label', c.req.param('labelId'));
    return c.json({ label });
  });
  app.delete('/labels/:labelId', staffRoute('Delete a label (admin)', { responses: { 200: jsonResponse('Deleted', Deleted), ...errors(403, 404) } }), async (c) => {
    await staff(c);
    if (!(await store.repo.deleteLabel(c.req.param('labelId')))) throw new NotFoundError('label', c.req.param('labelId'));
    return c.json({ deleted: true });
  });
  app.put('/conversations/:id/labels/:labelId', staffRoute('Put a label on a conversation', { responses: { 200: jsonResponse('The conversation\'s labels', Labels), ...errors(404) } }), async (c) => {
    await staff(c);
    const conversation = await conversationOr404(c.req.param('id'));
    const label = await store.repo.getLabel(c.req.param('labelId'));
    if (!label) throw new NotFoundError('label', c.req.param('labelId'));
    await store.repo.addConversationLabel(conversation.id, label.id, deps.now());
    await announce(conversation.id);
    return c.json({ labels: (await store.repo.summarizeConversations([conversation.id], null))[0]!.labels });
  });
  app.delete('/conversations/:id/labels/:labelId', staffRoute('Take a label off a conversation', { responses: { 200: jsonResponse('The conversation\'s labels', Labels), ...errors(404) } }), async (c) => {
    await staff(c);
    const conversation = await conversationOr404(c.req.param('id'));
    await store.repo.removeConversationLabel(conversation.id, c.req.param('labelId'));
    await announce(conversation.id);
    return c.json({ labels: (await store.repo.summarizeConversations([conversation.id], null))[0]!.labels });
  });

  // ── canned replies ──
  app.get('/canned-replies', staffRoute('Canned replies', { parameters: queryParameters(CannedQuery), responses: { 200: jsonResponse('Canned replies, matching `search` when given', z.object({ cannedReplies: z.array(CannedReplyRecord) })) } }), async (c) => {
    await staff(c);
    return c.json({ cannedReplies: await store.repo.listCannedReplies(query(c, CannedQuery).search) });
  });
  app.post('/canned-replies', staffRoute('Create a canned reply', { requestBody: jsonBody(CannedBody, EXAMPLE_CANNED), responses: { 201: jsonResponse('The canned reply', z.object({ cannedReply: CannedReplyRecord })), ...errors(409) } }), async (c) => {
    const principal = await staff(c);
    const body = await readJson(c, CannedBody);
    const now = deps.now();
    const reply = await store.repo.createCannedReply({ id: newId(), ...body, createdBy: principal.userId ?? null, createdAt: now, updatedAt: now });
    if (!reply) throw new ConflictError('shortcut_exists', `The shortcut /${body.shortcut} is taken.`);
    return c.json({ cannedReply: reply }, 201);
  });
  app.patch('/canned-replies/:replyId', staffRoute('Change a canned reply', { requestBody: jsonBody(CannedPatch, { title: 'Refund timing (cards)' }), responses: { 200: jsonResponse('The canned reply', z.object({ cannedReply: CannedReplyRecord })), ...errors(404, 409) } }), async (c) => {
    await staff(c);
    const patch = await readJson(c, CannedPatch);
    const reply = await store.repo.updateCannedReply(c.req.param('replyId'), { ...patch, updatedAt: deps.now() });
    if (reply === 'conflict') throw new ConflictError('shortcut_exists', `The shortcut /${patch.shortcut} is taken.`);
    if (!reply) throw new NotFoundError('canned_reply', c.req.param('replyId'));
    return c.json({ cannedReply: reply });
  });
  app.delete('/canned-replies/:replyId', staffRoute('Delete a canned reply', { responses: { 200: jsonResponse('Deleted', Deleted), ...errors(404) } }), async (c) => {
    await staff(c);
    if (!(await store.repo.deleteCannedReply(c.req.param('replyId')))) throw new NotFoundError('canned_reply', c.req.param('replyId'));
    return c.json({ deleted: true });
  });

  // ── the contact profile ──
  const contactOr404 = async (contactId: string) => {
    const contact = await store.repo.getContact(contactId);
    if (!contact) throw new NotFoundError('contact', contactId);
    return contact;
  };
  app.get('/contacts/:id', staffRoute('The contact profile: identities, conversations, tickets and staff notes', {
    responses: { 200: jsonResponse('The contact', z.object({ contact: ContactRecord, identities: z.array(IdentityRecord), conversations: z.array(ConversationRecord), tickets: z.array(TicketRecord), notes: z.array(ContactNoteRecord) })), ...errors(404) },
  }), async (c) => {
    await staff(c);
    const contact = await contactOr404(c.req.param('id'));
    const [identities, conversations, tickets, notes] = await Promise.all([
      store.repo.listIdentities(contact.id),
      store.repo.listConversations({ contactId: contact.id, order: 'activity', limit: 50 }),
      store.repo.listTickets({ contactId: contact.id, limit: 50 }),
      store.repo.listContactNotes(contact.id),
    ]);
    return c.json({ contact, identities, conversations, tickets, notes });
  });
  app.post('/contacts/:id/notes', staffRoute('Add a staff note on a contact', { requestBody: jsonBody(NoteBody, { text: 'Prefers email; VIP since 2024.' }), responses: { 201: jsonResponse('The note', z.object({ note: ContactNoteRecord })), ...errors(404) } }), async (c) => {
    const principal = await staff(c);
    const body = await readJson(c, NoteBody);
    const contact = await contactOr404(c.req.param('id'));
    const note = await store.repo.createContactNote({ id: newId(), contactId: contact.id, authorId: principal.userId ?? null, text: body.text, createdAt: deps.now() });
    return c.json({ note }, 201);
  });
  app.delete('/contacts/:id/notes/:noteId', staffRoute('Delete a note', { responses: { 200: jsonResponse('Deleted', Deleted), ...errors(404) } }), async (c) => {
    await staff(c);
    if (!(await store.repo.deleteContactNote(c.req.param('id'), c.req.param('noteId')))) throw new NotFoundError('note', c.req.param('noteId'));
    return c.json({ deleted: true });
  });

  return app;
}
