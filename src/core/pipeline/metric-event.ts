/** The metric events the pipeline (and staff actions) record on a conversation. */
import { newId } from '../ids.ts';
import type { Conversation, MetricEvent } from '../types.ts';

export function metricEvent(
  conversation: Pick<Conversation, 'id' | 'channel'>,
  type: MetricEvent['type'],
  actor: MetricEvent['actor'],
  at: number,
  value: number | null = null,
  data: Record<string, unknown> | null = null,
): MetricEvent {
  return { id: newId(), conversationId: conversation.id, type, actor, channel: conversation.channel, value, data, createdAt: at };
}
