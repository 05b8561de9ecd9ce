/**
 * What human agents do to conversations, whichever surface they use (API, console, Slack).
 * Bot and human time are recorded apart: a human's first response is measured from the
 * moment the conversation was handed to humans, not from when the customer first wrote.
 */
import { ConflictError, InvalidInputError, NotFoundError } from './errors.ts';
import { newId } from './ids.ts';
import { metricEvent } from './pipeline.ts';
import type { Escalations } from './escalations.ts';
import { NO_SERVICE_LEVELS, type ServiceLevels } from './service-levels.ts';
import type { Outbox } from './outbox.ts';
import type { Clock, EventBus, Repository, Store, SupportDesk } from './ports.ts';
import { checkReplyAttachments, type AttachmentRef } from './reply-attachments.ts';
import type { AttachmentInput, Conversation, Message, MetricEvent } from './types.ts';

/** A user work can be given to: one who exists and is not disabled (a disabled user would never see it). */
async function assignable(repo: Repository, userId: string): Promise<void> {
  const user = await repo.getUser(userId);
  if (!user) throw new NotFoundError('user', userId);
  if (user.disabledAt !== null) throw new ConflictError('user_disabled', `${user.name} is disabled and cannot be assigned work; enable them first.`);
}

export function createSupportDesk(deps: {
  store: Store;
  outbox: Outbox;
  escalations: Escalations;
  bus: EventBus;
  clock: Clock;
  /** The deployment's SLA targets (default: none): a ticket's due times follow its priority. */
  serviceLevels?: ServiceLevels;
}): SupportDesk & { autoResolveIdle(idleMs: number): Promise<number> } {
  const { store, outbox, escalations, bus, clock } = deps;
  const serviceLevels = deps.serviceLevels ?? NO_SERVICE_LEVELS;

  async function load(repo: Repository, id: string): Promise<Conversation> {
    const conversation = await repo.getConversation(id);
    if (!conversation) throw new NotFoundError('conversation', id);
    return conversation;
  }

  function announce(conversation: Conversation) {
    bus.publish({ type: 'conversation', conversationId: conversation.id, conversation });
    return conversation;
  }

  /** Moves a bot-owned conversation to humans, recording the handoff once. */
  async function toHuman(repo: Repository, conversation: Conversation, userId: string | null, now: number, events: MetricEvent[]) {
    if (conversation.owner === 'human') return conversation;
    events.push(metricEvent(conversation, 'handoff', 'human', now, null, { by: userId }));
    return (await repo.updateConversation(conversation.id, { owner: 'human', assigneeId: conversation.assigneeId ?? userId, updatedAt: now }))!;
  }

  async function resolveIn(repo: Repository, conversation: Conversation, actor: 'bot' | 'human' | 'contact', now: number, userId: string | null = null) {
    if (conversation.status === 'resolved' || conversation.status === 'closed') return conversation;
    const humansInvolved = conversation.owner === 'human' || (await repo.firstEventAt(conversation.id, 'handoff')) !== null;
    const resolver = humansInvolved ? 'human' : actor === 'contact' ? 'bot' : actor;
    await repo.insertEvents([metricEvent(conversation, 'resolved', resolver, now, now - conversation.createdAt, { by: actor })]);
    for (const ticket of await repo.listTickets({ conversationId: conversation.id })) {
      if (ticket.status === 'resolved') continue;
      await repo.updateTicket(ticket.id, { status: 'resolved', resolvedAt: now, updatedAt: now, ...serviceLevels.clockOnStatus(ticket, 'resolved', now) }, userId);
    }
    return (await repo.updateConversation(conversation.id, { status: 'resolved', resolvedAt: now, updatedAt: now }))!;
  }

  /** A person's first public reply meets the first-response target of the conversation's open tickets. */
  async function markFirstResponse(repo: Repository, conversationId: string, now: number) {
    for (const ticket of await repo.listTickets({ conversationId })) {
      if (ticket.firstResponseAt === null && ticket.status !== 'resolved') await repo.updateTicket(ticket.id, { firstResponseAt: now });
    }
  }

  /** Stores the files and lists them on the message itself, so every view and live event carries them. */
  async function withAttachments(repo: Repository, message: Message, files: AttachmentInput[], now: number): Promise<Message> {
    if (files.length === 0) return message;
    const stored = await repo.insertAttachments(message.id, files, now);
    const refs: AttachmentRef[] = stored.map(({ id, filename, contentType, size }) => ({ id, filename, contentType, size }));
    const meta = { ...message.meta, attachments: refs };
    await repo.updateMessage(message.id, { meta });
    return { ...message, meta };
  }

  return {
    async replyAsHuman({ conversationId, userId, text, internal = false, attachments = [] }) {
      if (!text.trim()) throw new InvalidInputError('A reply needs some text.', undefined, 'empty_reply');
      if (attachments.length > 0) {
        const channel = internal ? null : (await load(store.repo, conversationId)).channel;
        checkReplyAttachments(channel, channel && outbox.attachmentSupport(channel), attachments);
      }
      const now = clock.now();
      const result = await store.transaction(async (repo) => {
        let conversation = await load(repo, conversationId);
        const events: MetricEvent[] = [];
        if (!internal) {
          conversation = await toHuman(repo, conversation, userId, now, events);
          if (conversation.firstHumanResponseAt === null) {
            // Human time runs from the handoff; without one a human answered first, from the start.
            const handoffAt = (await repo.firstEventAt(conversation.id, 'handoff')) ?? conversation.createdAt;
            events.push(metricEvent(conversation, 'first_response', 'human', now, now - handoffAt));
          }
          events.push(metricEvent(conversation, 'message_out', 'human', now));
        }
        const stored = (await repo.insertMessage({
          id: newId(),
          conversationId,
          channel: conversation.channel,
          direction: 'outbound',
          authorKind: 'human',
          authorId: userId,
          text,
          original: null,
          html: null,
          subject: conversation.subject,
          internal,
          agentName: null,
          route: conversation.route,
          confidence: null,
          providerMessageId: null,
          deliveryStatus: internal ? 'delivered' : outbox.initialStatus(conversation.channel),
          agentStatus: null,
          meta: null,
          createdAt: now,
        }))!;
        const message = await withAttachments(repo, stored, attachments, now);
        if (!internal) {
          conversation = (await repo.updateConversation(conversationId, {
            lastMessageAt: now,
            updatedAt: now,
            firstHumanResponseAt: conversation.firstHumanResponseAt ?? now,
            firstResponseAt: conversation.firstResponseAt ?? now,
            status: conversation.status === 'pending' ? 'open' : conversation.status,
          }))!;
        }
        if (!internal) await markFirstResponse(repo, conversationId, now);
        await repo.insertEvents(events);
        const jobId = internal ? null : await outbox.enqueue(repo, message, now);
        return { message, conversation, jobId };
      });
      bus.publish({ type: 'message', conversationId, message: result.message });
      announce(result.conversation);
      if (result.jobId) await outbox.deliver(result.jobId);
      return (await store.repo.getMessage(result.message.id)) ?? result.message;
    },

    async takeOver(conversationId, userId) {
      const now = clock.now();
      return announce(
        await store.transaction(async (repo) => {
          const events: MetricEvent[] = [];
          const conversation = await toHuman(repo, await load(repo, conversationId), userId, now, events);
          await repo.insertEvents(events);
          return conversation;
        }),
      );
    },

    async handBack(conversationId) {
      const now = clock.now();
      return announce(
        await store.transaction(async (repo) => {
          await load(repo, conversationId);
          return (await repo.updateConversation(conversationId, { owner: 'bot', status: 'open', updatedAt: now }))!;
        }),
      );
    },

    async resolve(conversationId, actor, userId = null) {
      const now = clock.now();
      return announce(await store.transaction(async (repo) => resolveIn(repo, await load(repo, conversationId), actor, now, userId)));
    },

    async assign(conversationId, userId) {
      const now = clock.now();
      return announce(
        await store.transaction(async (repo) => {
          await load(repo, conversationId);
          if (userId) await assignable(repo, userId);
          return (await repo.updateConversation(conversationId, { assigneeId: userId, updatedAt: now }))!;
        }),
      );
    },

    async updateTicket(ticketId, patch, actorId = null) {
      const now = clock.now();
      const ticket = await store.transaction(async (repo) => {
        const current = await repo.getTicket(ticketId);
        if (!current) throw new NotFoundError('ticket', ticketId);
        if (patch.assigneeId && patch.assigneeId !== current.assigneeId) await assignable(repo, patch.assigneeId);
        const resolvedAt = patch.status === undefined ? current.resolvedAt : patch.status === 'resolved' ? (current.resolvedAt ?? now) : null;
        // A new priority has its own targets, counted from when the ticket opened, less the time it waited on the customer.
        const due = patch.priority && patch.priority !== current.priority ? serviceLevels.dueTimes(patch.priority, current.createdAt, current.pausedMs) : {};
        const clock = patch.status ? serviceLevels.clockOnStatus({ ...current, ...due }, patch.status, now) : {};
        const updated = (await repo.updateTicket(ticketId, { ...patch, ...due, ...clock, resolvedAt, updatedAt: now }, actorId))!;
        if (patch.status === 'escalated' && current.status !== 'escalated') {
          const conversation = await load(repo, current.conversationId);
          await repo.insertEvents([metricEvent(conversation, 'escalated', 'human', now, null, { ticketId })]);
        }
        return updated;
      });
      bus.publish({ type: 'ticket', conversationId: ticket.conversationId, ticket });
      return ticket;
    },

    async rate(conversationId, rating, comment = null) {
      if (!Number.isInteger(rating) || rating < 1 || rating > 5) {
        throw new InvalidInputError('rating must be an integer from 1 to 5.', undefined, 'invalid_rating');
      }
      const now = clock.now();
      return store.transaction(async (repo) => {
        const conversation = await load(repo, conversationId);
        const csat = await repo.insertCsat({ id: newId(), conversationId, rating, comment, createdAt: now });
        if (!csat) throw new ConflictError('already_rated', 'This conversation has already been rated.');
        await repo.insertEvents([metricEvent(conversation, 'csat', conversation.owner === 'human' ? 'human' : 'bot', now, rating)]);
        return csat;
      });
    },

    onEscalation(listener) {
      return escalations.subscribe(listener);
    },

    /** Bot conversations nobody wrote in for `idleMs` count as resolved by the bot. */
    async autoResolveIdle(idleMs) {
      const now = clock.now();
      const idle = await store.repo.idleBotConversations(now - idleMs, 100);
      for (const conversation of idle) {
        announce(await store.transaction(async (repo) => resolveIn(repo, (await repo.getConversation(conversation.id))!, 'bot', now)));
      }
      return idle.length;
    },
  };
}
