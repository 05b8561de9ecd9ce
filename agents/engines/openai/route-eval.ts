/**
 * The model engine's triage alone, for `frontdesk eval routes --engine openai`: each text goes to
 * the same triage agent the engine runs, and the route is read from its transfer tool call. The
 * run stops right after the transfer (one model turn), so no specialist or tool runs and each
 * message costs one request. Messages the input screen refuses never reach the model, as in the
 * engine, and count as the fallback route.
 */
import { Runner } from '@openai/agents';
import type { AgentRunInput } from '../../../src/core/ports.ts';
import type { AgentGraph } from '../../graph.ts';
import type { ActionCaller } from '../../actions.ts';
import { buildAgents, type FinalAnswer } from './agents.ts';
import { createModelClient, type OpenAIConfig } from './client.ts';
import { screenInput } from './guardrails.ts';
import { createLimiter, limitModel } from './resilience.ts';
import type { TurnContext } from './tools.ts';

/** The route of one text and how sure the decision is. */
export interface ModelRoute {
  route: string;
  /** 1 for a transfer; the triage agent's self-assessment when it answered itself (fallback route). */
  confidence: number;
  /** The route the model chose, or null when it transferred nowhere. */
  transferredTo: string | null;
}

export interface ModelRouter {
  route(text: string): Promise<ModelRoute>;
  /** Routes the router can output. */
  labels: string[];
  /** How many texts to route at once (OPENAI_MAX_CONCURRENCY). */
  concurrency: number;
}

export function createModelRouter(config: OpenAIConfig, deps: { graph: AgentGraph; maxRetries?: number }): ModelRouter {
  const { graph } = deps;
  const model = limitModel(createModelClient(config, { maxRetries: deps.maxRetries }).model, createLimiter(config.maxConcurrency));
  // Routing stops at the transfer, before any specialist's tool: custom actions are offered, never called.
  const notCalled: ActionCaller = async () => ({ ok: false, reason: 'unavailable', message: 'Actions do not run while routes are evaluated.' });
  const agents = buildAgents(graph, model, { normaliseOrderId: () => null, approvalIntents: new Set(), actions: graph.actions, callAction: notCalled });
  const runner = new Runner({ tracingDisabled: true });
  const routeOf = (agent: string) => graph.agents.find((a) => a.name === agent)?.route ?? graph.triage.fallbackRoute;

  return {
    labels: graph.agents.map((a) => a.route),
    concurrency: config.maxConcurrency,
    async route(text) {
      if (screenInput(text)) return { route: graph.triage.fallbackRoute, confidence: 1, transferredTo: null };
      const turn: TurnContext = { input: evalInput(text), ownOrders: new Map(), evidence: 0, publicText: [], ticket: null, handoff: null, performed: [], verification: { verified: new Set(), failures: 0 } };
      const result = await runner.run(agents.triage, text, {
        context: turn,
        maxTurns: 1,
        // The transfer is the answer: stop before the specialist's first turn.
        errorHandlers: { maxTurns: () => ({ finalOutput: { answer: '', confidence: 1 } }) },
      });
      const last = result.lastAgent;
      if (last && last !== agents.triage) return { route: routeOf(last.name), confidence: 1, transferredTo: routeOf(last.name) };
      const final = result.finalOutput as FinalAnswer | undefined;
      return { route: graph.triage.fallbackRoute, confidence: final?.confidence ?? 0, transferredTo: null };
    },
  };
}

/** A first message from an unknown web visitor: what the triage agent's instructions describe. */
function evalInput(text: string): AgentRunInput {
  const none = async () => [];
  const conversation: AgentRunInput['conversation'] = {
    id: 'eval', contactId: 'eval', channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null,
    assigneeId: null, subject: null, agentState: null, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null,
    resolvedAt: null, lastMessageAt: 0, createdAt: 0, updatedAt: 0,
  };
  return {
    conversation,
    contact: { id: 'eval', name: null, email: null, createdAt: 0, updatedAt: 0 },
    message: {
      id: 'eval', conversationId: 'eval', channel: 'web', direction: 'inbound', authorKind: 'contact', authorId: null, text, original: null,
      html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null,
      deliveryStatus: 'received', agentStatus: 'pending', attempts: 0, error: null, meta: null, createdAt: 0,
    },
    history: [],
    tools: { searchKnowledge: none, searchPassages: none, lookupOrder: async () => null, ordersForEmail: none },
    asker: { emails: [], phones: [] },
  };
}
