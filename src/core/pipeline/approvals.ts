/**
 * A person's decision on a paused run: the engine resumes it, and its reply is committed only
 * while the approval still waits (the approval ticket resolved with it).
 */
import { ConflictError, NotFoundError } from '../errors.ts';
import type { ApprovalDecision } from '../ports.ts';
import type { Message } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { askerOf } from './answering.ts';
import { commitReply } from './replies.ts';

export async function resumeApproval(ctx: PipelineContext, conversationId: string, decision: ApprovalDecision): Promise<Message | null> {
  const { store, engine, bus, options, serviceLevels, queue, tools } = ctx;
  const resume = engine.resume?.bind(engine);
  if (!resume) throw new ConflictError('approvals_unsupported', `The ${engine.name} engine does not pause for approvals.`);
  return queue.run(conversationId, async () => {
    const conversation = await store.repo.getConversation(conversationId);
    if (!conversation) throw new NotFoundError('conversation', conversationId);
    const pendingId = (state: Record<string, unknown> | null) => (state?.pendingApproval as { id?: unknown } | undefined)?.id;
    const ticketId = pendingId(conversation.agentState);
    if (typeof ticketId !== 'string') throw new ConflictError('no_pending_approval', 'Nothing in this conversation waits for approval.');
    const recent = (await store.repo.recentMessages(conversation.id, options.historyLimit + 1)).filter((m) => !m.internal);
    const message = recent.filter((m) => m.direction === 'inbound').at(-1);
    if (!message) throw new ConflictError('no_pending_approval', 'Nothing in this conversation waits for approval.');
    const contact = (await store.repo.getContact(conversation.contactId))!;
    bus.publish({ type: 'typing', conversationId: conversation.id, agent: conversation.currentAgent });
    const history = recent.filter((m) => m.id !== message.id);
    const result = await resume({ conversation, contact, message, history, tools, asker: await askerOf(ctx, contact), decision });
    const reply = await commitReply(ctx, conversation, result, { guard: async (repo, now) => {
      // Another decision on the same request got here first.
      if (pendingId((await repo.getConversation(conversation.id))?.agentState ?? null) !== ticketId) return false;
      const ticket = await repo.getTicket(ticketId);
      const clock = ticket ? serviceLevels.clockOnStatus(ticket, 'resolved', now) : {};
      await repo.updateTicket(ticketId, { status: 'resolved', resolvedAt: now, updatedAt: now, ...clock }, decision.userId);
      return true;
    } });
    if (!reply) throw new ConflictError('no_pending_approval', 'This request was already decided.');
    // Announced once committed, so other replicas read the resolved ticket.
    const ticket = await store.repo.getTicket(ticketId);
    if (ticket) bus.publish({ type: 'ticket', conversationId: conversation.id, ticket });
    return reply;
  });
}
