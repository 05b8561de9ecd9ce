/**
 * Support metrics from the event stream, per channel and overall. Bot and human figures are kept
 * apart: bot first response counts only the bot's answers, human first response runs from handoff.
 */
import type { AgentActivity, EventAggregate, SlaOutcome, Store } from './ports.ts';
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
  /**
   * Resolved by the bot ÷ conversations with an outcome: resolved by the bot, or handed to humans.
   * A handoff settles a conversation as not the bot's at once, so the rate moves as conversations
   * resolve instead of waiting for humans to close theirs (bot ones end when the contact ends them
   * or after AUTO_RESOLVE_HOURS idle).
   */
  botResolutionRate: number | null;
  firstResponseMs: { bot: number | null; human: number | null };
  resolutionMs: { bot: number | null; human: number | null };
  csat: { average: number | null; count: number };
}

/** One staff member's figures over the range. */
export interface AgentMetrics {
  userId: string;
  /** The user's name; null when the user no longer exists. */
  name: string | null;
  /** Conversations the agent replied in. */
  handled: number;
  /** Conversations resolved with humans involved while assigned to the agent. */
  resolved: number;
  /** Median of the agent's first responses, from handoff; null without any. */
  medianFirstResponseMs: number | null;
}

export interface Analytics {
  since: number;
  until: number;
  total: ChannelMetrics;
  channels: Partial<Record<ChannelKind, ChannelMetrics>>;
  /** Staff members with any figure in the range, most conversations handled first. */
  agents: AgentMetrics[];
  sla: SlaAttainment;
}

/** How many SLA targets due in the range were met: a share of those settled (met, or missed). */
export interface SlaShare {
  met: number;
  missed: number;
  /** met ÷ (met + missed); null when no target fell due. */
  rate: number | null;
}

export interface SlaAttainment {
  firstResponse: SlaShare;
  resolution: SlaShare;
  /** Per UTC day of the due time. */
  daily: ({ day: string; target: SlaOutcome['target'] } & SlaShare)[];
}

function shareOf(rows: Pick<SlaOutcome, 'met' | 'missed'>[]): SlaShare {
  const met = rows.reduce((n, r) => n + r.met, 0);
  const missed = rows.reduce((n, r) => n + r.missed, 0);
  return { met, missed, rate: met + missed === 0 ? null : met / (met + missed) };
}

function attainmentOf(outcomes: SlaOutcome[]): SlaAttainment {
  return {
    firstResponse: shareOf(outcomes.filter((o) => o.target === 'first_response')),
    resolution: shareOf(outcomes.filter((o) => o.target === 'resolution')),
    daily: outcomes.map(({ day, target, met, missed }) => ({ day, target, ...shareOf([{ met, missed }]) })),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function agentsOf(activity: AgentActivity, names: Map<string, string>): AgentMetrics[] {
  const agents = new Map<string, { handled: number; resolved: number; firstResponses: number[] }>();
  const of = (userId: string) => {
    let agent = agents.get(userId);
    if (!agent) agents.set(userId, (agent = { handled: 0, resolved: 0, firstResponses: [] }));
    return agent;
  };
  for (const r of activity.handled) of(r.userId).handled += r.count;
  for (const r of activity.resolved) of(r.userId).resolved += r.count;
  for (const r of activity.firstResponses) of(r.userId).firstResponses.push(r.ms);
  return [...agents]
    .map(([userId, a]) => ({ userId, name: names.get(userId) ?? null, handled: a.handled, resolved: a.resolved, medianFirstResponseMs: median(a.firstResponses) }))
    .sort((a, b) => b.handled - a.handled || b.resolved - a.resolved || a.userId.localeCompare(b.userId));
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
    botResolutionRate: ratio(resolved.bot, resolved.bot + handoffs),
    firstResponseMs: { bot: mean('first_response', 'bot'), human: mean('first_response', 'human') },
    resolutionMs: { bot: mean('resolved', 'bot'), human: mean('resolved', 'human') },
    csat: { average: mean('csat'), count: total('csat') },
  };
}

/** Figures over [since, until]; SLA targets not yet due at `now` and not yet done count neither way. */
export async function computeAnalytics(store: Store, range: { since: number; until: number; now: number; channel?: ChannelKind }): Promise<Analytics> {
  const [rows, activity, users, outcomes] = await Promise.all([
    store.repo.aggregateEvents(range.since, range.until, range.channel),
    store.repo.agentActivity(range.since, range.until, range.channel),
    store.repo.listUsers(),
    store.repo.slaOutcomes(range.since, range.until, range.now, range.channel),
  ]);
  const channels: Analytics['channels'] = {};
  for (const channel of CHANNELS) {
    const own = rows.filter((r) => r.channel === channel);
    if (own.length > 0) channels[channel] = metricsOf(own);
  }
  return {
    since: range.since,
    until: range.until,
    total: metricsOf(rows),
    channels,
    agents: agentsOf(activity, new Map(users.map((u) => [u.id, u.name]))),
    sla: attainmentOf(outcomes),
  };
}
