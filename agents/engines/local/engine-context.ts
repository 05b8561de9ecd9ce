/**
 * What the local engine's steps share: the graph and the engine's dependencies, the clock, the
 * agents every step may hand a turn to, and the helpers that read order numbers, emails and cases
 * out of a message. Built once per engine (engine.ts) and passed to each step as one object.
 */
import type { AgentRunInput, AgentRunResult, TraceStep } from '../../../src/core/ports.ts';
import { agentForRoute, type AgentDefinition, type AgentGraph } from '../../graph.ts';
import type { LocalEngineDeps } from './engine.ts';
import type { Memory } from './memory.ts';

/**
 * Triage's confidence from which a message the knowledge base does not answer is taken as the
 * request its intent names (an order question, a payment issue); below it a person reads it.
 */
export const CONFIDENT_REQUEST = 0.8;

/** One turn: what the specialists work with. */
export interface Turn {
  input: AgentRunInput;
  agent: AgentDefinition;
  intent: string;
  confidence: number;
  /** The customer's own words (quotes and signatures removed). */
  text: string;
  /** What to search the knowledge base with: the text, or the topic and the text for a follow-up. */
  query: string;
  /** The article a follow-up continues: its passages are preferred. */
  topicSlug?: string | null;
  /** The words of the topic a follow-up continues (its query is these, then its own text). */
  topicWords?: string;
  memory: Memory;
  trace: TraceStep[];
}

/** A specialist kind's answer to one turn. */
export type Specialist = (turn: Turn) => Promise<AgentRunResult>;

/** A case of the orders agent (a parcel that never came) with its patterns compiled. */
export interface OrderCase {
  name: string;
  rule: AgentDefinition['cases'][string];
  patterns: RegExp[];
}

/** What the engine's steps share (see the module comment). */
export interface EngineContext {
  graph: AgentGraph;
  /** Read at use, not copied: `vocabulary` may be a getter that follows a changing knowledge base. */
  deps: LocalEngineDeps;
  now: () => number;
  /** The graph's replies for messages that are not requests, and for what the bot cannot answer. */
  replies: AgentGraph['triage']['replies'];
  isKnownWord: (word: string) => boolean;
  /** The deployment's order number pattern (case-insensitive). */
  orderIdPattern: RegExp;
  /** The agent of the fallback route: it takes what needs a person. */
  fallbackAgent: AgentDefinition;
  knowledgeAgent: AgentDefinition | null;
  ordersAgent: AgentDefinition | null;
  /** The intent of an order question that named none of its own (a bare order number). */
  orderQuestion: string;
  /** The order number in a text, normalised (upper case, `PREFIX-digits`), or null. */
  extractOrderId(text: string): string | null;
  /** Whether the text holds what looks like an order number but is not one ("NW-ABCDE", "NW-123"). */
  mentionsMalformedOrderId(text: string): boolean;
  /** The first email address in a text, or null. */
  extractEmail(text: string): string | null;
  /** The orders agent's case the text describes, or null. */
  caseIn(text: string): OrderCase | null;
}

/** The context of one engine, from its dependencies. */
export function createEngineContext(deps: LocalEngineDeps): EngineContext {
  const { graph } = deps;
  const orderIdPattern = new RegExp(graph.orderIdPattern, 'i');
  const ordersAgent = graph.agents.find((a) => a.kind === 'orders') ?? null;
  const orderQuestion =
    ordersAgent?.defaultIntent ?? Object.keys(graph.triage.intents).find((intent) => graph.triage.intents[intent] === ordersAgent?.route) ?? 'unsure';
  // The letters an order number starts with ("NW" of NW-12345), followed by anything else.
  const prefix = /^\p{L}{2,}(?=[- ]?\d)/u.exec(graph.orderIdExample)?.[0];
  // A hyphen binds anything ("NW-ABCDE"); after a space only digits do ("NW 123", not the street "NW Glisan").
  const malformedOrderId = prefix ? new RegExp(`\\b${prefix}(?:-[\\p{L}\\p{N}]+|[ #]?\\d[\\p{L}\\p{N}]*)\\b`, 'iu') : null;
  const caseRules: OrderCase[] = ordersAgent ? Object.entries(ordersAgent.cases).map(([name, rule]) => ({ name, rule, patterns: rule.patterns.map((p) => new RegExp(p, 'i')) })) : [];

  return {
    graph,
    deps,
    now: deps.now ?? Date.now,
    replies: graph.triage.replies,
    isKnownWord: deps.isKnownWord ?? (() => true),
    orderIdPattern,
    fallbackAgent: agentForRoute(graph, graph.triage.fallbackRoute),
    knowledgeAgent: graph.triage.knowledgeRoute ? agentForRoute(graph, graph.triage.knowledgeRoute) : null,
    ordersAgent,
    orderQuestion,
    extractOrderId(text) {
      const match = orderIdPattern.exec(text);
      if (!match) return null;
      return match.length > 2 ? `${match[1]!.toUpperCase()}-${match[2]}` : match[0].toUpperCase();
    },
    mentionsMalformedOrderId: (text) => malformedOrderId !== null && malformedOrderId.test(text) && !orderIdPattern.test(text),
    extractEmail: (text) => /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[a-z]{2,}/i.exec(text)?.[0] ?? null,
    caseIn: (text) => caseRules.find((c) => c.patterns.some((p) => p.test(text))) ?? null,
  };
}
