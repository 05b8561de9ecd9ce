/**
 * The flow of one message: receive → ingest (one transaction, or for a plain message in a
 * conversation it names, one atomic write) → respond (agents; the reply with its claim, ticket,
 * events and outbox row all or nothing) → deliver (outbox). See DESIGN.md §2.
 */
import type { Pipeline } from './ports.ts';
import { pipelineContext, type PipelineDeps } from './pipeline/context.ts';
import { receive } from './pipeline/receive.ts';
import { start } from './pipeline/conversations.ts';
import { respond } from './pipeline/answering.ts';
import { recoverPending } from './pipeline/recovery.ts';
import { resumeApproval } from './pipeline/approvals.ts';

export type { PipelineDeps, PipelineOptions } from './pipeline/context.ts';
export { metricEvent } from './pipeline/metric-event.ts';

/** Each step is a module under pipeline/, taking the context: the deps with their defaults, and the answers' queue. */
export function createPipeline(deps: PipelineDeps): Pipeline & { idle(): Promise<void> } {
  const ctx = pipelineContext(deps);
  return {
    receive: (input) => receive(ctx, input),
    start: (input) => start(ctx, input),
    respond: (messageId) => respond(ctx, messageId),
    recoverPending: (olderThanMs) => recoverPending(ctx, olderThanMs),
    resumeApproval: (conversationId, decision) => resumeApproval(ctx, conversationId, decision),
    idle: () => ctx.queue.idle(),
  };
}
