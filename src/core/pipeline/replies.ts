/**
 * Committing the agents' reply: the reply with its claim or guard, ticket, handoff assignee,
 * events and outbox row, all or nothing; then announcing it, escalating a handoff and delivering it.
 */
import { newId } from '../ids.ts';
import { showTicketNumber } from '../ticket-ref.ts';
import type { AgentRunResult, InboundClaim, Repository } from '../ports.ts';
import type { Conversation, Message, MetricEvent, Ticket } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { metricEvent } from './metric-event.ts';

/**
 * Stores the agents' reply with its ticket, events and outbox row, all or nothing, then
 * publishes and delivers it. What must hold for it to be stored: `claim`, the inbound message
 * it answers, claimed with the reply; or `guard`, run first in the transaction. Either fails
 * when someone else answered or decided first, and then nothing is stored (null).
 */
export async function commitReply(
  ctx: PipelineContext,
  conversation: Conversation,
  result: AgentRunResult,
  precondition: { claim: InboundClaim } | { guard: (repo: Repository, now: number) => Promise<boolean> },
): Promise<Message | null> {
  const { store, outbox, escalations, bus, clock, serviceLevels } = ctx;
  const now = clock.now();
  const claim = 'claim' in precondition ? precondition.claim : undefined;
  // Handed to people while nobody is in: the customer learns when someone will answer.
  const notice = result.handoff ? serviceLevels.closedNotice(now) : null;
  /** The reply's write, once its ticket (whose number the reply shows) and assignee are known; `chained`: the claim it makes itself. */
  const replyWrite = (ticket: Ticket | null, assigneeId: string | null, chained?: InboundClaim): Parameters<Repository['appendMessage']>[0] => {
    const text = ticket ? showTicketNumber(result.text, ticket) : result.text;
    const events: MetricEvent[] = [metricEvent(conversation, 'message_out', 'bot', now)];
    if (conversation.firstResponseAt === null) {
      events.push(metricEvent(conversation, 'first_response', 'bot', now, now - conversation.createdAt));
    }
    if (result.handoff) {
      events.push(metricEvent(conversation, 'handoff', 'bot', now, null, { reason: result.handoff.reason, agent: result.agent }));
      if (ticket) events.push(metricEvent(conversation, 'escalated', 'bot', now, null, { ticketId: ticket.id }));
    }
    return {
      conversationId: conversation.id,
      patch: {
        currentAgent: result.agent,
        route: result.route,
        lastMessageAt: now,
        updatedAt: now,
        firstResponseAt: conversation.firstResponseAt ?? now,
        ...(result.state !== undefined ? { agentState: result.state } : {}),
        ...(result.handoff ? { owner: 'human' as const, status: 'pending' as const, assigneeId } : {}),
      },
      message: {
        id: newId(),
        conversationId: conversation.id,
        channel: conversation.channel,
        direction: 'outbound',
        authorKind: 'bot',
        authorId: null,
        text: notice ? `${text}\n\n${notice}` : text,
        original: null,
        html: null,
        subject: conversation.subject,
        internal: false,
        agentName: result.agent,
        route: result.route,
        confidence: result.confidence,
        providerMessageId: null,
        deliveryStatus: outbox.initialStatus(conversation.channel),
        agentStatus: null,
        meta: result.usage || result.trace ? { usage: result.usage ?? null, trace: result.trace ?? null } : null,
        createdAt: now,
      },
      events,
      claim: chained,
    };
  };
  // A plain answer (its claim chained in, no ticket, no handoff, no delivery job) is one write,
  // atomic by itself: it needs no transaction around it (two round trips fewer on PostgreSQL).
  const alone = claim && !result.ticket && !result.handoff && !outbox.queuesDelivery(conversation.channel);
  const committed = alone
    ? await store.repo.appendMessage(replyWrite(null, conversation.assigneeId, claim)).then((appended) => appended && { reply: appended.message, updated: appended.conversation, ticket: null, jobId: null })
    : await store.transaction(async (repo) => {
        // First: a claim or guard that fails leaves nothing to undo.
        const held = 'claim' in precondition
          ? await repo.claimInbound(precondition.claim.messageId, precondition.claim.status, precondition.claim.answeredBy)
          : await precondition.guard(repo, now);
        if (!held) return null;
        const assigneeId = result.handoff ? await assigneeFor(ctx, repo, conversation) : conversation.assigneeId;
        // The ticket first: its number exists only once it is stored, and the reply shows it.
        const ticket = result.ticket
          ? await repo.createTicket({
              id: result.ticket.id ?? newId(),
              conversationId: conversation.id,
              status: result.ticket.status,
              category: result.ticket.category,
              priority: result.ticket.priority,
              summary: result.ticket.summary,
              assigneeId: result.handoff ? assigneeId : null,
              createdAt: now,
              updatedAt: now,
              resolvedAt: null,
              ...serviceLevels.dueTimes(result.ticket.priority, now),
            })
          : null;
        const appended = (await repo.appendMessage(replyWrite(ticket, assigneeId)))!;
        const jobId = await outbox.enqueue(repo, appended.message, now);
        return { reply: appended.message, updated: appended.conversation, ticket, jobId };
      });
  if (!committed) return null;

  const { reply, updated, ticket, jobId } = committed;
  bus.publish({ type: 'message', conversationId: updated.id, message: reply });
  bus.publish({ type: 'conversation', conversationId: updated.id, conversation: updated });
  if (ticket) bus.publish({ type: 'ticket', conversationId: updated.id, ticket });
  if (result.handoff) escalations.emit({ conversation: updated, ticket, reason: result.handoff.reason });
  if (!jobId) return reply;
  await outbox.deliver(jobId);
  return (await store.repo.getMessage(reply.id)) ?? reply;
}

/**
 * Who a conversation handed to people goes to: whoever has it already, else with round-robin
 * the next available user (the turn taken in the caller's transaction), else nobody.
 */
async function assigneeFor(ctx: PipelineContext, repo: Repository, conversation: Conversation): Promise<string | null> {
  const { options } = ctx;
  if (conversation.assigneeId !== null || options.assignment !== 'round-robin') return conversation.assigneeId;
  return (await repo.takeAssignmentTurn())?.id ?? null;
}
