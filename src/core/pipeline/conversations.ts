/** A new conversation: its stored form, and opening one without a message yet. */
import { newId } from '../ids.ts';
import type { StartConversation } from '../ports.ts';
import type { ChannelKind, Contact, Conversation } from '../types.ts';
import type { PipelineContext } from './context.ts';
import { resolveContact } from './contacts.ts';
import { metricEvent } from './metric-event.ts';

export function newConversation(
  contact: Contact,
  channel: ChannelKind,
  now: number,
  extra: Partial<Conversation> & { subjectKey?: string | null } = {},
): Conversation & { subjectKey?: string | null } {
  return {
    id: newId(),
    contactId: contact.id,
    channel,
    threadKey: null,
    status: 'open',
    owner: 'bot',
    currentAgent: null,
    route: null,
    assigneeId: null,
    subject: null,
    agentState: null,
    visitorTokenHash: null,
    firstResponseAt: null,
    firstHumanResponseAt: null,
    resolvedAt: null,
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
}

export async function start(ctx: PipelineContext, input: StartConversation) {
  const { store, bus, clock } = ctx;
  const now = clock.now();
  const result = await store.transaction(async (repo) => {
    const contact = await resolveContact(repo, input.channel, input.from, now);
    const conversation = await repo.createConversation(
      newConversation(contact, input.channel, now, {
        ...(input.id ? { id: input.id } : {}),
        subject: input.subject ?? null,
        threadKey: input.threadKey ?? null,
        visitorTokenHash: input.visitorTokenHash ?? null,
      }),
    );
    await repo.insertEvents([metricEvent(conversation, 'conversation_created', 'contact', now)]);
    return { conversation, contact };
  });
  bus.publish({ type: 'conversation', conversationId: result.conversation.id, conversation: result.conversation });
  return result;
}
