import type { Conversation, Ticket } from './types.ts';

export interface Escalation {
  conversation: Conversation;
  ticket: Ticket | null;
  reason: string;
}

/** Fan-out of "a conversation needs humans" to whoever listens (the Slack desk, notifications). */
export interface Escalations {
  emit(escalation: Escalation): void;
  subscribe(listener: (escalation: Escalation) => void | Promise<void>): () => void;
}

export function createEscalations(onError: (error: unknown) => void): Escalations {
  const listeners = new Set<(escalation: Escalation) => void | Promise<void>>();
  return {
    emit(escalation) {
      for (const listener of listeners) {
        try {
          void Promise.resolve(listener(escalation)).catch(onError);
        } catch (error) {
          onError(error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
