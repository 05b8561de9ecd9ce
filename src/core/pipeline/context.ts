/**
 * What every step of the pipeline works with: the deployment's parts, its options, and the
 * per-conversation queue in which answers take turns.
 */
import { createKeyedQueue } from '../keyed-queue.ts';
import type { AgentEngine, AgentTools, Clock, EventBus, Logger, OrderSource, Store } from '../ports.ts';
import type { Outbox } from '../outbox.ts';
import type { Escalations } from '../escalations.ts';
import { NO_SERVICE_LEVELS, type ServiceLevels } from '../service-levels.ts';
import type { ChannelKind } from '../types.ts';

export interface PipelineOptions {
  /** How many earlier messages the agents see. */
  historyLimit: number;
  /** A resolved conversation on a thread key older than this starts a new one (per channel). */
  reopenWindowMs: Partial<Record<ChannelKind, number>>;
  /**
   * Subject threading (mail without references or token) only looks this far back, and only
   * joins a conversation of the same sender that is still open or pending: a week-old "Question"
   * that was resolved is not the same case as today's.
   */
  subjectWindowMs: number;
  /** Who answers when the engine fails or the order system is down: the deployment's fallback agent and route. */
  fallback: { agent: string; route: string };
  /** Who gets a conversation handed to people: nobody until someone takes it, or available users in turn. */
  assignment: 'manual' | 'round-robin';
}

export interface PipelineDeps {
  store: Store;
  engine: AgentEngine;
  /** The company's order system, behind the agents' order tools. */
  orders: OrderSource;
  outbox: Outbox;
  escalations: Escalations;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  /** The deployment's SLA targets and closed-hours notice (default: none). */
  serviceLevels?: ServiceLevels;
  options?: Partial<PipelineOptions>;
}

const DEFAULTS: PipelineOptions = {
  historyLimit: 20,
  reopenWindowMs: {},
  subjectWindowMs: 7 * 24 * 3_600_000,
  // The composition root passes the deployment's own (agents.yaml triage.fallbackRoute).
  fallback: { agent: 'fallback', route: 'fallback' },
  assignment: 'manual',
};

/** The deps with their defaults filled in, and what the steps share: the answers' queue and the agents' tools. */
export interface PipelineContext extends Omit<PipelineDeps, 'serviceLevels' | 'options'> {
  options: PipelineOptions;
  serviceLevels: ServiceLevels;
  /** Answers in one conversation run one after another, in the order their messages came. */
  queue: ReturnType<typeof createKeyedQueue>;
  tools: AgentTools;
}

export function pipelineContext(deps: PipelineDeps): PipelineContext {
  const { store, orders } = deps;
  const options = { ...DEFAULTS, ...deps.options };
  const serviceLevels = deps.serviceLevels ?? NO_SERVICE_LEVELS;
  const queue = createKeyedQueue();

  const tools: AgentTools = {
    searchKnowledge: (query, limit = 3) => store.repo.searchKnowledge(query, limit),
    searchPassages: (query, limit = 3) => store.repo.searchPassages(query, limit),
    lookupOrder: (orderId) => orders.getOrder(orderId),
    ordersForEmail: (email) => orders.ordersForEmail(email),
  };

  return { ...deps, options, serviceLevels, queue, tools };
}
