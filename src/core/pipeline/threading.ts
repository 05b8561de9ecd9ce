/**
 * The conversation an inbound message continues: the one it names, or one its references,
 * thread key or subject point to, within the windows the options give.
 */
import { InvalidInputError } from '../errors.ts';
import type { Repository } from '../ports.ts';
import type { ChannelKind, Contact, Conversation, ParsedInbound } from '../types.ts';
import type { PipelineContext } from './context.ts';

const DEFAULT_REOPEN_MS = 24 * 3_600_000;

/** Whether a conversation a message names is one its sender may continue: their own, on the message's channel. */
export function isSendersOwn(conversation: Conversation, sender: Contact, channel: ChannelKind): boolean {
  return conversation.contactId === sender.id && conversation.channel === channel;
}

/** Finds the conversation an inbound message continues, strongest hint first. */
export async function findThread(ctx: PipelineContext, repo: Repository, inbound: ParsedInbound, contact: Contact, now: number) {
  const { options } = ctx;
  const { thread, channel } = inbound;
  if (thread.conversationId) {
    const conversation = await repo.getConversation(thread.conversationId);
    if (!conversation || !isSendersOwn(conversation, contact, channel)) {
      throw new InvalidInputError('The conversation does not belong to this sender.', undefined, 'conversation_mismatch');
    }
    return conversation;
  }
  if (thread.references?.length) {
    const conversation = await repo.findByProviderMessageIds(channel, thread.references);
    if (conversation) return conversation;
  }
  if (thread.key) {
    const conversation = await repo.latestByThreadKey(channel, thread.key);
    const window = options.reopenWindowMs[channel] ?? DEFAULT_REOPEN_MS;
    if (conversation && (conversation.resolvedAt === null || now - conversation.resolvedAt < window)) return conversation;
  }
  if (thread.subjectKey) {
    const bySubject = await repo.latestBySubject(contact.id, channel, thread.subjectKey, now - options.subjectWindowMs);
    return bySubject && (bySubject.status === 'open' || bySubject.status === 'pending') ? bySubject : null;
  }
  return null;
}
