/**
 * The web channel's visitor API under /v1: start a conversation, post messages (optionally
 * waiting for the agents' reply), read them, and follow them live over SSE. A visitor token
 * opens exactly one conversation; a staff API token opens all. A host site that signs its user ids
 * (identity verification) lets a signed-in customer's history follow them across devices.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { ForbiddenError, InvalidInputError, NotFoundError } from '../../src/core/errors.ts';
import { hashSecret, newId, newSecret, sameHash } from '../../src/core/ids.ts';
import type { ChannelContext } from '../../src/core/ports.ts';
import type { Conversation } from '../../src/core/types.ts';
import { errors, jsonBody, jsonResponse, queryParameters, routeFamily, TAGS, VISITOR_AUTH } from '../../src/http/api-doc.ts';
import { CsatRecord, VisitorConversationRecord, VisitorMessageRecord } from '../../src/http/api-schemas.ts';
import { messageText, query, readJson } from '../../src/http/body.ts';
import { fileHeaders, isImageType } from '../../src/http/file-response.ts';
import { streamTopic } from '../../src/http/sse.ts';
import { withRenderedHtml } from '../../src/render/message-html.ts';
import { toVisitorConversation, toVisitorMessage } from './format.ts';
import type { WebAdapterConfig } from './types.ts';
import { VISITOR_TOKEN_PREFIX, bearerToken, isValidEmailHash, isValidUserHash, isVisitorToken, signedVisitorToken, verifyVisitor } from './visitor-auth.ts';

export interface WebRouteDeps {
  context: ChannelContext;
  config: WebAdapterConfig;
  /** Throws 401 unless the token is a valid staff token. */
  authenticateStaff(token: string): Promise<unknown>;
}

type Access = { conversation: Conversation; staff: boolean };
/** `customerAddress`: the visitor's web address, which their messages come from. */
type PostAccess = Access & { customerAddress: string };

/** How many of a signed-in customer's web conversations the resume endpoint lists. */
const RESUME_LIST_LIMIT = 20;

/** Starting a conversation needs no credentials; 429 when the address starts too many. */
const startRoute = routeFamily(TAGS.visitor, [], 400, 403, 429);
/** A route of one conversation: its visitor token (or staff credentials). */
const visitorRoute = routeFamily(TAGS.visitor, VISITOR_AUTH, 400, 401, 403, 404);
const Started = z.object({ conversation: VisitorConversationRecord, visitorToken: z.string(), message: VisitorMessageRecord.nullable() });
const Resumable = z.object({ conversation: VisitorConversationRecord, visitorToken: z.string() });
const Exchange = z.object({ message: VisitorMessageRecord, reply: VisitorMessageRecord.nullable().optional(), duplicate: z.boolean().optional(), pending: z.boolean().optional() });
const EXAMPLE_USER = { userId: 'customer-4711', userHash: '6b1f0c4e0f6d1e8a3d8a2b0e1c7f5a9d4e3b2a1c0f9e8d7c6b5a4f3e2d1c0b9a' };

export function createWebRoutes(deps: WebRouteDeps) {
  const { config } = deps;
  const { inbound: pipeline, conversations, support, bus, clock } = deps.context;
  const app = new Hono();

  const StartBody = z.object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(320).optional(),
    subject: z.string().trim().max(300).optional(),
    text: messageText(config.maxMessageChars).optional(),
    userId: z.string().min(1).max(200).optional(),
    userHash: z.string().max(200).optional(),
    /** The host site's signature of `email` for this user (see emailHashOf): makes the email proven. */
    emailHash: z.string().max(200).optional(),
  });
  const IdentityBody = z.object({ userId: z.string().min(1).max(200), userHash: z.string().max(200) });
  const MessageBody = z.object({ text: messageText(config.maxMessageChars), clientMessageId: z.string().max(100).optional() });
  const MessagesQuery = z.object({
    after: z.string().max(64).optional().describe('a message id: only messages after it'),
    limit: z.coerce.number().int().min(1).max(200).default(100),
  });
  const CsatBody = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional() });

  /** The conversation of the request's :id, for its visitor token or staff credentials (reads, polls, streams). */
  async function access(c: Context): Promise<Access> {
    const id = c.req.param('id')!;
    return authorize(c, id, await conversations.get(id));
  }

  /**
   * As access, with the visitor's address: where a message is posted, and only there, it is read
   * with the conversation in one read, so polls and streams do not pay for it.
   */
  async function accessToPost(c: Context): Promise<PostAccess> {
    const id = c.req.param('id')!;
    const found = await conversations.withCustomer(id);
    const allowed = await authorize(c, id, found?.conversation ?? null);
    // Every web conversation is started with the visitor's web identity.
    return { ...allowed, customerAddress: found!.customer!.address };
  }

  async function authorize(c: Context, id: string, conversation: Conversation | null): Promise<Access> {
    if (!conversation || conversation.channel !== 'web') throw new NotFoundError('conversation', id);
    const token = bearerToken(c.req.header('authorization'), c.req.query('token'));
    if (token && !isVisitorToken(token)) {
      await deps.authenticateStaff(token);
      return { conversation, staff: true };
    }
    verifyVisitor(conversation, token);
    return { conversation, staff: false };
  }

  /**
   * The signed-in user a request proves, or null for an anonymous visitor. Checked before anything
   * is stored, so a refused signature leaves no contact or conversation behind.
   */
  function signedUser(body: { userId?: string; userHash?: string }): { userId: string; secret: string } | null {
    if (body.userId === undefined && body.userHash === undefined) return null;
    if (body.userId === undefined || body.userHash === undefined) {
      throw new InvalidInputError('Send userId and userHash together, or neither for an anonymous visitor.', undefined, 'incomplete_user_identity');
    }
    if (!config.identitySecret) {
      throw new InvalidInputError(
        'Identity verification is not enabled on this Frontdesk (WIDGET_IDENTITY_SECRET is not set); leave out userId and userHash.',
        undefined,
        'identity_verification_disabled',
      );
    }
    if (!isValidUserHash(config.identitySecret, body.userId, body.userHash)) {
      throw new ForbiddenError('userHash is not the HMAC-SHA256 of userId with this site\'s identity secret.', 'invalid_user_hash');
    }
    return { userId: body.userId, secret: config.identitySecret };
  }

  /**
   * Whether the host site signed the visitor's email too. The user hash covers the user id only,
   * so without this an email sent along is merely typed: kept, but it proves nothing.
   */
  function signedEmail(body: { email?: string; emailHash?: string }, user: { userId: string; secret: string } | null): boolean {
    if (body.emailHash === undefined) return false;
    if (!user || body.email === undefined) {
      throw new InvalidInputError('emailHash signs an email for a signed-in user: send it with email, userId and userHash.', undefined, 'incomplete_email_signature');
    }
    if (!isValidEmailHash(user.secret, user.userId, body.email, body.emailHash)) {
      throw new ForbiddenError('emailHash is not the HMAC-SHA256 of "email\\n<userId>\\n<email>" with this site\'s identity secret.', 'invalid_email_hash');
    }
    return true;
  }

  app.post('/conversations', startRoute('Start a web conversation, optionally with a first message and a signed-in user', {
    requestBody: jsonBody(StartBody, { name: 'Maria', email: 'maria@example.com', text: 'Where is my order NW-10003?' }),
    responses: { 201: jsonResponse('The conversation and its visitor token (keep it: it opens this conversation)', Started) },
  }), async (c) => {
    const body = await readJson(c, StartBody);
    const user = signedUser(body);
    const emailVerified = signedEmail(body, user);
    const id = newId();
    const visitorToken = user ? signedVisitorToken(user.secret, id, user.userId) : newSecret(VISITOR_TOKEN_PREFIX);
    // The visitor's web identity: the conversation's contact holds it, and their messages come from it.
    const address = user ? `user:${user.userId}` : `visitor:${newId()}`;
    const { conversation } = await pipeline.start({
      id,
      channel: 'web',
      from: {
        address,
        name: body.name,
        email: body.email?.toLowerCase(),
        verified: user !== null,
        emailVerified,
      },
      subject: body.subject,
      visitorTokenHash: hashSecret(visitorToken),
    });
    let first = null;
    if (body.text) {
      first = (await pipeline.receive(inboundOf(conversation.id, address, body.text))).message;
    }
    return c.json(
      { conversation: toVisitorConversation(conversation), visitorToken, message: first && toVisitorMessage(first) },
      201,
    );
  });

  // A signed-in customer on another device: their recent web conversations, each with its
  // (derived, so identical on every device) visitor token, and the newest unresolved one to resume.
  app.post('/identity/conversations', startRoute('A signed-in customer\'s recent web conversations, with the one to resume', {
    requestBody: jsonBody(IdentityBody, EXAMPLE_USER),
    responses: { 200: jsonResponse('Up to 20 conversations, newest first, each with its visitor token; `resume` is the newest unresolved one', z.object({ conversations: z.array(Resumable), resume: Resumable.nullable() })) },
  }), async (c) => {
    const user = signedUser(await readJson(c, IdentityBody))!;
    const listed = await conversations.ofAddress('web', `user:${user.userId}`, RESUME_LIST_LIMIT * 5);
    // The contact may also hold anonymous conversations a person merged into it; only those
    // started under this signature carry its derived token, so only those are listed.
    const owned = listed
      .map((conversation) => ({ conversation, visitorToken: signedVisitorToken(user.secret, conversation.id, user.userId) }))
      .filter(({ conversation, visitorToken }) => !!conversation.visitorTokenHash && sameHash(conversation.visitorTokenHash, hashSecret(visitorToken)))
      .slice(0, RESUME_LIST_LIMIT);
    const resume = owned.find(({ conversation }) => conversation.status === 'open' || conversation.status === 'pending') ?? null;
    const view = (o: { conversation: Conversation; visitorToken: string }) => ({ conversation: toVisitorConversation(o.conversation), visitorToken: o.visitorToken });
    return c.json({ conversations: owned.map(view), resume: resume && view(resume) });
  });

  function inboundOf(conversationId: string, address: string, text: string, clientMessageId?: string) {
    return {
      channel: 'web' as const,
      from: { address },
      text,
      // A client id makes retries of the same post idempotent.
      providerMessageId: clientMessageId ? `${conversationId}:${clientMessageId}` : undefined,
      receivedAt: clock.now(),
      thread: { conversationId },
      attachments: [],
    };
  }

  app.post('/conversations/:id/messages', visitorRoute('Post a visitor message; with ?wait=1, wait for the agents\' reply', {
    parameters: [{ in: 'query', name: 'wait', required: false, schema: { type: 'string', enum: ['1'] }, description: 'answer with the agents\' reply (200), or 202 with pending: true after 30 s' }],
    requestBody: jsonBody(MessageBody, { text: 'Where is my order NW-10003?', clientMessageId: 'c-17' }),
    responses: {
      200: jsonResponse('The stored message and the agents\' reply (wait=1)', Exchange),
      202: jsonResponse('The stored message; the reply follows on the event stream', Exchange),
      ...errors(413, 429),
    },
  }), async (c) => {
    const { conversation, customerAddress } = await accessToPost(c);
    const body = await readJson(c, MessageBody);
    const received = await pipeline.receive(inboundOf(conversation.id, customerAddress, body.text, body.clientMessageId));
    const message = toVisitorMessage(received.message);
    if (c.req.query('wait') !== '1') return c.json({ message, duplicate: received.duplicate }, 202);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), config.waitTimeoutMs)));
    const reply = await Promise.race([received.reply, timeout]).finally(() => clearTimeout(timer));
    if (reply === 'timeout') return c.json({ message, reply: null, pending: true }, 202);
    return c.json({ message, reply: reply && toVisitorMessage(reply), duplicate: received.duplicate }, 200);
  });

  app.get('/conversations/:id/messages', visitorRoute('The conversation\'s messages, oldest first (staff also see internal notes)', {
    parameters: queryParameters(MessagesQuery),
    responses: { 200: jsonResponse('The conversation and its messages (the staff view of a message has more fields)', z.object({ conversation: VisitorConversationRecord, messages: z.array(VisitorMessageRecord) })) },
  }), async (c) => {
    const { conversation, staff } = await access(c);
    const { after, limit } = query(c, MessagesQuery);
    const messages = await conversations.messages(conversation.id, { after, limit, includeInternal: staff });
    return c.json({ conversation: toVisitorConversation(conversation), messages: staff ? messages.map(withRenderedHtml) : messages.map(toVisitorMessage) });
  });

  app.get('/conversations/:id/events', visitorRoute('Follow the conversation live (Server-Sent Events); resumes after Last-Event-ID', {
    responses: { 200: { description: 'An event stream: `message` (id: the message id), `status`, `typing`, `delta`', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(429) },
  }), async (c) => {
    const { conversation, staff } = await access(c);
    const after = c.req.header('last-event-id') ?? c.req.query('after');
    return streamTopic(c, {
      bus,
      topic: conversation.id,
      view(event) {
        switch (event.type) {
          case 'message':
            if (event.message.internal && !staff) return null;
            return { event: 'message', id: event.message.id, data: staff ? withRenderedHtml(event.message) : toVisitorMessage(event.message) };
          case 'conversation':
            return { event: 'status', data: toVisitorConversation(event.conversation) };
          case 'typing':
            return { event: 'typing', data: { agent: event.agent } };
          case 'delta':
            return { event: 'delta', data: { agent: event.agent, text: event.text } };
          case 'ticket':
            return staff ? { event: 'ticket', data: event.ticket } : null;
        }
      },
      async backlog() {
        if (!after) return [];
        const missed = await conversations.messages(conversation.id, { after, limit: 200, includeInternal: staff });
        return missed.map((m) => ({ event: 'message', id: m.id, data: staff ? withRenderedHtml(m) : toVisitorMessage(m) }));
      },
    });
  });

  app.get('/conversations/:id/attachments/:attachmentId', visitorRoute('A file staff attached to a reply in this conversation', {
    responses: { 200: { description: 'The file: images inline, other files as a download', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } },
  }), async (c) => {
    const { conversation } = await access(c);
    const id = c.req.param('attachmentId');
    const found = await conversations.attachment(id);
    // Another conversation's file, a note's, or one kept without its bytes: as if it did not exist.
    if (!found?.data || found.message.conversationId !== conversation.id || found.message.internal) throw new NotFoundError('attachment', id);
    const { attachment, data } = found;
    return c.body(data as Uint8Array<ArrayBuffer>, 200, fileHeaders(attachment, isImageType(attachment.contentType) ? 'inline' : 'attachment'));
  });

  app.post('/conversations/:id/csat', visitorRoute('Rate the conversation', {
    requestBody: jsonBody(CsatBody, { rating: 5, comment: 'Quick and friendly.' }),
    responses: { 201: jsonResponse('The stored rating', z.object({ csat: CsatRecord })) },
  }), async (c) => {
    const { conversation } = await access(c);
    const body = await readJson(c, CsatBody);
    const csat = await support.rate(conversation.id, body.rating, body.comment ?? null);
    return c.json({ csat }, 201);
  });

  app.post('/conversations/:id/handoff', visitorRoute('Ask for a human ("talk to a human")', {
    responses: { 200: jsonResponse('The request, stored as a visitor message, and the agents\' answer', z.object({ message: VisitorMessageRecord, reply: VisitorMessageRecord.nullable() })) },
  }), async (c) => {
    const { conversation, customerAddress } = await accessToPost(c);
    // "Talk to a human" is a message like any other: triage routes it to escalation.
    const received = await pipeline.receive(inboundOf(conversation.id, customerAddress, 'I would like to talk to a human agent, please.'));
    const reply = await received.reply;
    return c.json({ message: toVisitorMessage(received.message), reply: reply && toVisitorMessage(reply) }, 200);
  });

  return app;
}
