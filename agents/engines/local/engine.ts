/**
 * The embedded `local` engine: no network. Triage is a trained text classifier over intents
 * (mapped to routes by the graph); specialists answer from the knowledge base (full-text search),
 * the order system, and answer templates; what needs a person becomes a ticket.
 */
import type { AgentEngine, AgentRunInput, AgentRunResult, TraceStep } from '../../../src/core/ports.ts';
import { newId } from '../../../src/core/ids.ts';
import type { KnowledgeHit, Order } from '../../../src/core/types.ts';
import { agentForRoute, renderTemplate, type AgentDefinition, type AgentGraph } from '../../graph.ts';
import { cleanForTriage } from './clean-text.ts';

/** The triage classifier's answer: an intent label and its calibrated probability. */
export interface IntentPrediction {
  label: string;
  confidence: number;
}

export interface LocalEngineDeps {
  graph: AgentGraph;
  classify(text: string): IntentPrediction;
  /** Overrides the graph's threshold (CONFIDENCE_THRESHOLD). */
  confidenceThreshold?: number;
  now?: () => number;
}

type Specialist = (ctx: TurnContext) => Promise<AgentRunResult>;

interface TurnContext {
  input: AgentRunInput;
  agent: AgentDefinition;
  intent: string;
  confidence: number;
  text: string;
  trace: TraceStep[];
}

const AWAITING_ORDER_ID = 'order_id';

export function createLocalEngine(deps: LocalEngineDeps): AgentEngine {
  const { graph } = deps;
  const threshold = deps.confidenceThreshold ?? graph.triage.confidenceThreshold;
  const orderIdPattern = new RegExp(graph.orderIdPattern, 'i');
  const now = deps.now ?? Date.now;
  const routes = new Set(graph.agents.map((a) => a.route));

  const extractOrderId = (text: string): string | null => {
    const match = orderIdPattern.exec(text);
    if (!match) return null;
    return match.length > 2 ? `${match[1]!.toUpperCase()}-${match[2]}` : match[0].toUpperCase();
  };

  function ticketReply(ctx: TurnContext, rule: AgentDefinition['tickets'][string], extra: Record<string, string | null> = {}): AgentRunResult {
    const summary = ctx.text.slice(0, 280);
    const ticketId = newId();
    return {
      agent: ctx.agent.name,
      route: ctx.agent.route,
      confidence: ctx.confidence,
      text: renderTemplate(rule.reply, { ticket_summary: summary, ticket_id: ticketId, ...extra }),
      ticket: { id: ticketId, category: rule.category, priority: rule.priority, summary, status: rule.handoff ? 'escalated' : 'open' },
      ...(rule.handoff ? { handoff: { reason: rule.category } } : {}),
      state: null,
      trace: ctx.trace,
    };
  }

  function bestArticleAnswer(hits: KnowledgeHit[]): string | null {
    const hit = hits[0];
    if (!hit) return null;
    const paragraphs = hit.article.body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p && !p.startsWith('#'));
    const answer = paragraphs.slice(0, 2).join('\n\n');
    return `${answer}\n\n(From our help article "${hit.article.title}".)`;
  }

  const specialists: Record<AgentDefinition['kind'], Specialist> = {
    async knowledge(ctx) {
      const rule = ctx.agent.tickets[ctx.intent];
      if (rule) return ticketReply(ctx, rule, { order_id: extractOrderId(ctx.text) });
      const hits = await ctx.input.tools.searchKnowledge(ctx.text, 3);
      ctx.trace.push({ kind: 'tool', name: 'search_knowledge', data: { hits: hits.map((h) => h.article.slug) }, at: now() });
      const answer = bestArticleAnswer(hits);
      if (!answer) return handoff(ctx, 'no_article');
      return { agent: ctx.agent.name, route: ctx.agent.route, confidence: ctx.confidence, text: answer, state: null, trace: ctx.trace };
    },

    async orders(ctx) {
      const { tools, conversation } = ctx.input;
      const state = conversation.agentState ?? {};
      const intent = state.awaiting === AWAITING_ORDER_ID && typeof state.intent === 'string' ? state.intent : ctx.intent;
      const orderId = extractOrderId(ctx.text);
      const templates = ctx.agent.templates;
      const reply = (text: string, nextState: Record<string, unknown> | null = null): AgentRunResult => ({
        agent: ctx.agent.name,
        route: ctx.agent.route,
        confidence: ctx.confidence,
        text,
        state: nextState,
        trace: ctx.trace,
      });
      if (intent === 'place_order' || intent === 'delivery_options') return specialists.knowledge(ctx);
      if (!orderId) return reply(templates.ask_order_id!, { awaiting: AWAITING_ORDER_ID, intent });

      const order = await tools.lookupOrder(orderId);
      ctx.trace.push({ kind: 'tool', name: 'lookup_order', data: { orderId, found: order !== null }, at: now() });
      if (!order) return reply(renderTemplate(templates.not_found!, { order_id: orderId }), { awaiting: AWAITING_ORDER_ID, intent });

      const values = orderValues(order);
      if (intent === 'cancel_order' && (order.status === 'shipped' || order.status === 'delivered')) {
        return reply(renderTemplate(templates.cannot_cancel_shipped!, values));
      }
      const rule = ctx.agent.tickets[intent];
      if (rule) return ticketReply({ ...ctx, intent }, rule, values);
      return reply(renderTemplate(templates[order.status]!, values));
    },

    async handoff(ctx) {
      return handoff(ctx, ctx.intent);
    },
  };

  function handoff(ctx: TurnContext, reason: string): AgentRunResult {
    const escalation = agentForRoute(graph, graph.triage.fallbackRoute);
    const rule = escalation.tickets[ctx.intent] ?? escalation.tickets.unsure!;
    ctx.trace.push({ kind: 'handoff', name: escalation.name, data: { reason }, at: now() });
    return ticketReply({ ...ctx, agent: escalation }, { ...rule, handoff: true });
  }

  return {
    name: 'local',
    async run(input) {
      const trace: TraceStep[] = [];
      const text = cleanForTriage(input.message.text);
      const state = input.conversation.agentState;
      // A customer answering our question for an order id stays with the orders agent.
      if (state?.awaiting === AWAITING_ORDER_ID && extractOrderId(text)) {
        const agent = agentForRoute(graph, 'orders');
        trace.push({ kind: 'triage', name: 'resume', data: { agent: agent.name }, at: now() });
        return specialists[agent.kind]({ input, agent, intent: String(state.intent ?? 'track_order'), confidence: 0.95, text, trace });
      }

      const prediction = deps.classify(text);
      const mapped = graph.triage.intents[prediction.label] ?? (routes.has(prediction.label) ? prediction.label : undefined);
      const confident = mapped !== undefined && prediction.confidence >= threshold;
      const route = confident ? mapped : graph.triage.fallbackRoute;
      const agent = agentForRoute(graph, route);
      trace.push({ kind: 'triage', name: graph.triage.name, data: { intent: prediction.label, confidence: prediction.confidence, route }, at: now() });
      const intent = confident ? prediction.label : 'unsure';
      return specialists[agent.kind]({ input, agent, intent, confidence: prediction.confidence, text, trace });
    },
  };
}

function orderValues(order: Order): Record<string, string> {
  const day = (ms: number | null) => (ms === null ? 'unknown' : new Date(ms).toUTCString().slice(0, 16));
  return {
    order_id: order.id,
    items: order.items.map((i) => (i.quantity > 1 ? `${i.quantity}× ${i.name}` : i.name)).join(', '),
    carrier: order.carrier ?? 'our carrier',
    tracking_number: order.trackingNumber ?? 'not available yet',
    shipped_date: day(order.shippedAt),
    delivered_date: day(order.deliveredAt),
    eta: day(order.estimatedDelivery),
  };
}
