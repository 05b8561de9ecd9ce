/**
 * An inbound message arriving: checked, ingested (a duplicate is acknowledged and left), announced,
 * and its answer queued without the caller having to wait for it.
 */
import { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { ReceiveResult } from '../ports.ts';
import { InboundMessage } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { respondTo } from './answering.ts';
import { ingest } from './ingest.ts';

export async function receive(ctx: PipelineContext, input: InboundMessage): Promise<ReceiveResult> {
  const { bus, logger, queue } = ctx;
  const parsed = InboundMessage.safeParse(input);
  if (!parsed.success) {
    throw new InvalidInputError(`Invalid inbound message: ${z.prettifyError(parsed.error)}`, parsed.error.issues);
  }
  const inbound = parsed.data;
  const result = await ingest(ctx, inbound);
  const { message, conversation, contact, duplicate } = result;
  if (duplicate) {
    logger.debug({ channel: inbound.channel, messageId: message.id }, 'duplicate inbound message ignored');
    return { message, conversation, duplicate, reply: Promise.resolve(null) };
  }
  bus.publish({ type: 'message', conversationId: conversation.id, message });
  bus.publish({ type: 'conversation', conversationId: conversation.id, conversation });
  for (const ticket of result.resumed ?? []) bus.publish({ type: 'ticket', conversationId: conversation.id, ticket });
  // Queued at once, with the message just stored: idle() sees it, and nothing reads it back.
  // Nothing answers before it in this conversation: its conversation and contact are the ones
  // just written, so the answer does not read them again (nor the contact's identities, when
  // the ingest read them).
  const written = contact && !queue.busy(conversation.id) ? { conversation, contact, identities: result.identities } : undefined;
  const reply = message.agentStatus === 'pending' ? respondTo(ctx, message, written) : Promise.resolve(null);
  // The caller may not await the reply (webhooks acknowledge first); failures are logged here.
  reply.catch((error) => logger.error({ err: error, messageId: message.id }, 'responding failed'));
  return { message, conversation, duplicate, reply: reply.catch(() => null) };
}
