/**
 * Answering a stored inbound message: queued behind the conversation's earlier answers, the
 * agents run on it (a clear handoff when the engine or the order system fails) and their reply
 * is committed.
 */
import { OrderSourceError } from '../errors.ts';
import { askerFromIdentities } from '../order-access.ts';
import { orderSystemUnavailableReply, orderToolsForRun, pipelineHandoffReply } from '../order-tools.ts';
import type { AgentRunResult } from '../ports.ts';
import type { Contact, ContactIdentity, Conversation, Message } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { commitReply } from './replies.ts';

const ENGINE_ERROR_TEXT =
  "Thanks for your message. I couldn't work this out myself, so I've passed it to our support team; a person will reply here soon.";

/** The conversation and contact as an inbound message's ingest left them, and the contact's identities when it read them. */
type Written = { conversation: Conversation; contact: Contact; identities?: ContactIdentity[] };

/**
 * What the customer has proven: order details go only to an asker verified for the order.
 * From `identities` when they were read already, else one query.
 */
export async function askerOf(ctx: PipelineContext, contact: Contact, identities?: ContactIdentity[]) {
  const { store } = ctx;
  return askerFromIdentities(identities ?? (await store.repo.listIdentities(contact.id)));
}

async function runEngine(ctx: PipelineContext, conversation: Conversation, contact: Contact, message: Message, identities?: ContactIdentity[]): Promise<AgentRunResult> {
  const { store, engine, orders, bus, logger, options, tools } = ctx;
  const limit = engine.historyLimit ?? options.historyLimit;
  const [recent, asker] = await Promise.all([
    limit > 0 ? store.repo.recentMessages(conversation.id, limit + 1) : Promise.resolve([]),
    askerOf(ctx, contact, identities),
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
export function respondTo(ctx: PipelineContext, message: Message, written?: Written): Promise<Message | null> {
  const { queue } = ctx;
  return queue.run(message.conversationId, () => answer(ctx, message, written));
}

export function respond(ctx: PipelineContext, messageId: string): Promise<Message | null> {
  const { store } = ctx;
  return store.repo.getMessage(messageId).then((message) => (message && message.agentStatus === 'pending' ? respondTo(ctx, message) : null));
}

async function answer(ctx: PipelineContext, message: Message, written?: Written): Promise<Message | null> {
  const { store, bus } = ctx;
  const conversation = written?.conversation ?? (await store.repo.getConversation(message.conversationId));
  if (!conversation) return null;
  if (conversation.owner === 'human' || conversation.status === 'closed') {
    // Humans own it: they were notified through the bus when the message was stored.
    await store.repo.claimInbound(message.id, 'skipped');
    return null;
  }
  const contact = written?.contact ?? (await store.repo.getContact(conversation.contactId))!;
  bus.publish({ type: 'typing', conversationId: conversation.id, agent: conversation.currentAgent });
  const result = await runEngine(ctx, conversation, contact, message, written?.identities);
  const answeredBy = { route: result.route, confidence: result.confidence, agentName: result.agent };
  return commitReply(ctx, conversation, result, { claim: { messageId: message.id, status: 'done', answeredBy } });
}
