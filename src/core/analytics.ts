/**
 * Support metrics from the event stream, per channel and overall. Bot and human figures are kept
 * apart: bot first response counts only the bot's answers, human first response runs from handoff.
 */
import type { EventAggregate, Store } from './ports.ts';
import { CHANNELS, type ChannelKind } from './types.ts';

export interface ChannelMetrics {
  conversations: number;
  messagesIn: number;
  messagesOut: { bot: number; human: number };
  handoffs: number;
  escalated: number;
  /** Conversations handed to humans ÷ conversations started. */
  escalationRate: number | null;
  resolved: { bot: number; human: number };
  /** Resolved without any human ÷ all resolved. */
  botResolutionRate: number | null;
  firstResponseMs: { bot: number | null; human: number | null };
  resolutionMs: { bot: number | null; human: number | null };
  csat: { average: number | null; count: number };
}

export interface Analytics {
  since: number;
  until: number;
  total: ChannelMetrics;
  channels: Partial<Record<ChannelKind, ChannelMetrics>>;
}

function metricsOf(rows: EventAggregate[]): ChannelMetrics {
  const pick = (type: EventAggregate['type'], actor?: EventAggregate['actor']) =>
    rows.filter((r) => r.type === type && (actor === undefined || r.actor === actor));
  const total = (type: EventAggregate['type'], actor?: EventAggregate['actor']) =>
    pick(type, actor).reduce((n, r) => n + r.count, 0);
  /** Weighted mean over rows that carry a value. */
  const mean = (type: EventAggregate['type'], actor?: EventAggregate['actor']) => {
    let n = 0;
    let sum = 0;
    for (const r of pick(type, actor)) {
      if (r.avgValue === null) continue;
      n += r.count;
      sum += r.avgValue * r.count;
    }
    return n === 0 ? null : sum / n;
  };
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const conversations = total('conversation_created');
  const handoffs = total('handoff');
  const resolved = { bot: total('resolved', 'bot'), human: total('resolved', 'human') };
  return {
    conversations,
    messagesIn: total('message_in'),
    messagesOut: { bot: total('message_out', 'bot'), human: total('message_out', 'human') },
    handoffs,
    escalated: total('escalated'),
    escalationRate: ratio(handoffs, conversations),
    resolved,
    botResolutionRate: ratio(resolved.bot, resolved.bot + resolved.human),
    firstResponseMs: { bot: mean('first_response', 'bot'), human: mean('first_response', 'human') },
    resolutionMs: { bot: mean('resolved', 'bot'), human: mean('resolved', 'human') },
    csat: { average: mean('csat'), count: total('csat') },
  };
}

export async function computeAnalytics(store: Store, range: { since: number; until: number; channel?: ChannelKind }): Promise<Analytics> {
  const rows = await store.repo.aggregateEvents(range.since, range.until, range.channel);
  const channels: Analytics['channels'] = {};
  for (const channel of CHANNELS) {
    const own = rows.filter((r) => r.channel === channel);
    if (own.length > 0) channels[channel] = metricsOf(own);
  }
  return { since: range.since, until: range.until, total: metricsOf(rows), channels };
}
