/**
 * The channel adapters' port onto the core (ChannelContext in ports.ts), built from the store and
 * the pipeline by the composition root. Adapters get this, never the repository: what they may
 * write is named here (inbound messages, delivery reports, opt-outs, cursors, leases, desk links),
 * and every multi-step write is one transaction here rather than in each adapter.
 */
import type { ChannelContext, Clock, EventBus, Logger, Pipeline, Store, SupportDesk } from './ports.ts';
import type { DeliveryStatus } from './types.ts';

export interface ChannelContextDeps {
  store: Store;
  pipeline: Pick<Pipeline, 'receive' | 'start'>;
  support: SupportDesk;
  bus: EventBus;
  logger: Logger;
  clock: Clock;
}

const PROGRESS: Partial<Record<DeliveryStatus, number>> = { pending: 0, queued: 1, sent: 2, delivered: 3, undelivered: 3, failed: 3, refused: 3 };

/** Delivery reports can arrive out of order: a later state never goes back to an earlier one. */
export function isProgress(current: DeliveryStatus, next: DeliveryStatus): boolean {
  return (PROGRESS[next] ?? 0) > (PROGRESS[current] ?? 0);
}

export function createChannelContext(deps: ChannelContextDeps): ChannelContext {
  const { store, bus, clock } = deps;
  const repo = () => store.repo;
  return {
    logger: deps.logger,
    clock,
    bus,
    support: deps.support,
    inbound: { receive: (message) => deps.pipeline.receive(message), start: (input) => deps.pipeline.start(input) },
    conversations: {
      get: (id) => repo().getConversation(id),
      byThread: (channel, threadKey) => repo().latestByThreadKey(channel, threadKey),
      async ownedBy(conversationId, channel, address) {
        const [conversation, identity] = await Promise.all([repo().getConversation(conversationId), repo().findIdentity(channel, address)]);
        return conversation && conversation.channel === channel && identity?.contactId === conversation.contactId ? conversation : null;
      },
      async ofAddress(channel, address, limit) {
        const identity = await repo().findIdentity(channel, address);
        return identity ? repo().listConversations({ contactId: identity.contactId, channel, limit }) : [];
      },
      async customerAddress(conversation) {
        return (await repo().conversationWithCustomer(conversation.id))?.customer?.address ?? null;
      },
      withCustomer: (id) => repo().conversationWithCustomer(id),
      contact: (contactId) => repo().getContact(contactId),
      messages: (conversationId, opts) => repo().listMessages(conversationId, opts),
      recentMessages: (conversationId, limit) => repo().recentMessages(conversationId, limit),
      message: (id) => repo().getMessage(id),
      async attachment(id) {
        const found = await repo().getAttachmentData(id);
        const message = found && (await repo().getMessage(found.attachment.messageId));
        return found && message ? { ...found, message } : null;
      },
      messageByProviderId: (channel, providerMessageId) => repo().findMessageByProviderId(channel, providerMessageId),
    },
    deliveries: {
      async recordStatus({ channel, providerMessageId, status, error }) {
        const message = await repo().findMessageByProviderId(channel, providerMessageId);
        if (!message || !isProgress(message.deliveryStatus, status)) return null;
        const updated = { ...message, deliveryStatus: status, error: error === undefined ? message.error : error };
        await repo().updateMessage(message.id, { deliveryStatus: status, error: updated.error });
        bus.publish({ type: 'message', conversationId: message.conversationId, message: updated });
        return updated;
      },
    },
    optOuts: {
      set: (channel, address, optedOut) => repo().setOptOut(channel, address, optedOut, clock.now()),
      recordOnce({ provider, eventKey, channel, address, optedOut }) {
        const now = clock.now();
        return store.transaction(async (tx) => {
          if (!(await tx.markProcessed(provider, eventKey, now))) return { duplicate: true as const };
          if (optedOut !== null) await tx.setOptOut(channel, address, optedOut, now);
          return { duplicate: false as const, optedOut: optedOut ?? (await tx.isOptedOut(channel, address)) };
        });
      },
    },
    providerEvents: {
      claim: (provider, key) => repo().markProcessed(provider, key, clock.now()),
    },
    cursors: {
      get: (scope, key) => repo().getCursor(scope, key),
      set: (scope, key, value) => repo().setCursor(scope, key, value, clock.now()),
    },
    leases: {
      acquire: (name, holder, ttlMs) => repo().acquireLease(name, holder, clock.now(), ttlMs),
      release: (name, holder) => repo().releaseLease(name, holder),
    },
    desk: {
      link: (conversationId, target, externalId) => repo().linkExternal({ conversationId, target, externalId, now: clock.now() }),
      conversationOf: (target, externalId) => repo().findByExternal(target, externalId),
      linksOf: (conversationId, target) => repo().externalIdsFor(conversationId, target),
      user: (id) => repo().getUser(id),
      userBySlackId: (slackUserId) => repo().findUserBySlackId(slackUserId),
      userByEmail: (email) => repo().findUserByEmail(email),
      linkSlackUser: (userId, slackUserId) => repo().updateUser(userId, { slackUserId }),
      async ticketOf(conversationId) {
        const [ticket] = await repo().listTickets({ conversationId, limit: 1 });
        return ticket ?? null;
      },
      ticket: (id) => repo().getTicket(id),
      ticketByNumber: (number) => repo().getTicketByNumber(number),
    },
  };
}
