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
import type { KnowledgeMatch } from './knowledge-evidence.ts';

/** The triage classifier's answer: an intent label and its calibrated probability. */
export interface IntentPrediction {
  label: string;
  confidence: number;
  /** The most probable intents with their calibrated probabilities, highest first. */
  scores?: { label: string; p: number }[];
}

/** What triage decided for one message. */
export interface TriageDecision {
  /** The route the message goes to (the fallback route when triage is not confident). */
  route: string;
  /** The intent the specialist works with (`unsure` when triage fell back). */
  intent: string;
  /** Probability of the chosen route: the summed probabilities of the intents mapped onto it. */
  confidence: number;
  /** The classifier's best route, before the confidence threshold. */
  predictedRoute: string | null;
  confident: boolean;
  /** The article that sent an unconfident message to the knowledge route, with its match strength. */
  knowledge?: KnowledgeMatch;
}

/**
 * Match strength (see knowledge-evidence.ts) from which an article outvotes an unconfident
 * classifier: three quarters of what the message says, by weight, is in that one article.
 */
const STRONG_ARTICLE_MATCH = 0.75;

/**
 * The triage decision of the local engine, shared with `frontdesk eval`. Intents are summed per
 * route: a message split between two intents of the same route (complaint / contact_human_agent)
 * is a confident route decision even when neither intent alone is. Below `threshold` the message
 * goes to the fallback route — unless `knowledge` finds an article that clearly covers it (and
 * the classifier's own best guess is not the fallback route: someone asking for a person gets
 * one), in which case the knowledge route answers with that article.
 */
export function createTriage(
  graph: AgentGraph,
  classify: (text: string) => IntentPrediction,
  threshold = graph.triage.confidenceThreshold,
  knowledge?: (text: string) => KnowledgeMatch,
) {
  const { fallbackRoute, knowledgeRoute } = graph.triage;
  const routes = new Set(graph.agents.map((a) => a.route));
  const routeOf = (label: string) => graph.triage.intents[label] ?? (routes.has(label) ? label : undefined);
  return (text: string): TriageDecision => {
    const prediction = classify(text);
    const scores = prediction.scores?.length ? prediction.scores : [{ label: prediction.label, p: prediction.confidence }];
    const byRoute = new Map<string, { p: number; intent: string }>();
    for (const { label, p } of scores) {
      const route = routeOf(label);
      if (!route) continue;
      const entry = byRoute.get(route);
      if (entry) entry.p += p;
      else byRoute.set(route, { p, intent: label });
    }
    // A rejection (out-of-scope label) is never routed by its runner-up intents.
    const rejected = routeOf(prediction.label) === undefined;
    let best: [string, { p: number; intent: string }] | undefined;
    for (const entry of byRoute) if (!best || entry[1].p > best[1].p) best = entry;
    if (rejected || !best) {
      return { route: fallbackRoute, intent: 'unsure', confidence: prediction.confidence, predictedRoute: null, confident: false };
    }
    const [route, { p, intent }] = best;
    if (p >= threshold) return { route, intent, confidence: p, predictedRoute: route, confident: true };
    if (knowledge && knowledgeRoute && route !== fallbackRoute) {
      const match = knowledge(text);
      if (match.strength >= STRONG_ARTICLE_MATCH) {
        // The stored confidence stays the classifier's own for this route: low, and honest about it.
        const confidence = byRoute.get(knowledgeRoute)?.p ?? 0;
        return { route: knowledgeRoute, intent: 'article_match', confidence, predictedRoute: route, confident: false, knowledge: match };
      }
    }
    return { route: fallbackRoute, intent: 'unsure', confidence: p, predictedRoute: route, confident: false };
  };
}

export interface LocalEngineDeps {
  graph: AgentGraph;
  classify(text: string): IntentPrediction;
  /** Finds the article covering a message (knowledge-evidence.ts); without it triage ignores the knowledge base. */
  knowledge?: (text: string) => KnowledgeMatch;
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
/** About a screenful of chat: longer answers point to the article instead. */
const ANSWER_CHARS = 450;

export function createLocalEngine(deps: LocalEngineDeps): AgentEngine {
  const { graph } = deps;
  const triage = createTriage(graph, deps.classify, deps.confidenceThreshold ?? graph.triage.confidenceThreshold, deps.knowledge);
  const orderIdPattern = new RegExp(graph.orderIdPattern, 'i');
  const now = deps.now ?? Date.now;
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
    // The opening of an article answers the question; stop at the next section or a screenful.
    const kept: string[] = [];
    for (const paragraph of hit.article.body.split(/\n\s*\n/).map((p) => p.trim())) {
      const isHeading = paragraph.startsWith('#') || /^\*\*[^*]+\*\*:?$/.test(paragraph);
      if (isHeading && kept.length > 0) break;
      if (!paragraph || isHeading) continue;
      kept.push(paragraph);
      if (kept.join('\n\n').length > ANSWER_CHARS) break;
    }
    return `${kept.join('\n\n')}\n\n(From our help article "${hit.article.title}".)`;
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
    historyLimit: 0, // decides on the message and the conversation's agent state alone
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

      const decision = triage(text);
      const agent = agentForRoute(graph, decision.route);
      trace.push({
        kind: 'triage',
        name: graph.triage.name,
        data: {
          intent: decision.intent,
          confidence: decision.confidence,
          route: decision.route,
          ...(decision.knowledge ? { article: decision.knowledge.slug, articleMatch: decision.knowledge.strength } : {}),
        },
        at: now(),
      });
      return specialists[agent.kind]({ input, agent, intent: decision.intent, confidence: decision.confidence, text, trace });
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
