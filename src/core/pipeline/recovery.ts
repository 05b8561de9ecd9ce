/** Answering what a crashed process left unanswered. */
import type { PipelineContext } from './context.ts';
import { respond } from './answering.ts';

export async function recoverPending(ctx: PipelineContext, olderThanMs = 30_000): Promise<number> {
  const { store, clock, logger } = ctx;
  const pending = await store.repo.pendingInbound(clock.now() - olderThanMs, 100);
  for (const message of pending) {
    await respond(ctx, message.id).catch((error) => logger.error({ err: error, messageId: message.id }, 'recovery failed'));
  }
  return pending.length;
}
