/**
 * Where a turn goes. Triage decides for a new message; the conversation's memory can overrule it:
 * a customer answering our question resumes the order desk, a follow-up continues its topic, an
 * order number or a case makes the order the primary need, and an unconfident message the
 * classifier still thinks a specialist's is tried on the knowledge base before a person.
 */
import type { TraceStep } from '../../../src/core/ports.ts';
import { agentForRoute, type AgentDefinition } from '../../graph.ts';
import { contentWords } from './answerability.ts';
import type { EngineContext } from './engine-context.ts';
import type { TriageDecision } from './engine.ts';
import { isFollowUp, pointsBack, type Memory } from './memory.ts';
import { asksForOrderDetail, asksForOwnOrders } from './order-desk.ts';

/** A follow-up this short (content words) is read with the topic's words, whatever route its own words suggest. */
const SHORT_FOLLOW_UP_WORDS = 1;
/** "Can I talk to someone?": a customer asking for a person gets one, whatever else they tell. */
const ASKS_FOR_PERSON = /\b(human|real person|a person|someone|somebody|an agent|representative|manager|supervisor|speak to|talk to|call me)\b/i;
const POINTS_BACK_TO_ORDER = /\b(it|its|it's|that|this|that one|this one|the order|the parcel|the package|the delivery|them)\b/i;

/** Where a turn goes: the agent, the intent it works with, and what to search the knowledge base with. */
export interface RouteChoice {
  agent: AgentDefinition;
  intent: string;
  confidence: number;
  query: string;
  /** The message also asked something the answer does not cover (acknowledged at its end). */
  alsoAsked?: boolean;
  /** Tried when the first choice would need a person. */
  fallback?: RouteChoice;
  /** The article a follow-up continues. */
  topicSlug?: string | null;
  /** The words of the topic a follow-up continues (`query` is these, then the text). */
  topicWords?: string;
}

/** The turn's route: triage, or the topic before it when the message continues it. Steps are traced. */
export function decide(ctx: EngineContext, triage: (text: string) => TriageDecision, text: string, memory: Memory, trace: TraceStep[]): RouteChoice {
  const { graph, now, ordersAgent, knowledgeAgent, orderQuestion, extractOrderId, extractEmail, caseIn } = ctx;
  // A customer answering our question (an order number, the order's email) stays with the orders agent.
  if (ordersAgent && memory.awaiting && (extractOrderId(text) || (memory.awaiting === 'order_email' && extractEmail(text)))) {
    trace.push({ kind: 'triage', name: 'resume', data: { agent: ordersAgent.name, awaiting: memory.awaiting }, at: now() });
    return { agent: ordersAgent, intent: memory.pendingIntent ?? orderQuestion, confidence: 0.95, query: memory.topic?.query ?? text };
  }
  if (ordersAgent && asksForOwnOrders(text) && !extractOrderId(text)) {
    trace.push({ kind: 'triage', name: 'own_orders', at: now() });
    return { agent: ordersAgent, intent: orderQuestion, confidence: 0.8, query: text };
  }
  // "NW-ABCDE": meant as an order number; the order desk asks for one in the right shape.
  if (ordersAgent && ctx.mentionsMalformedOrderId(text)) {
    trace.push({ kind: 'triage', name: 'malformed_order_id', at: now() });
    return { agent: ordersAgent, intent: memory.pendingIntent ?? orderQuestion, confidence: 0.8, query: text };
  }
  const decision = triage(text);
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
  const words = contentWords(text).length;
  const topic = memory.topic;
  const mentioned = extractOrderId(text);
  const isCase = caseIn(text) !== null;
  /** Triage, when `sure`, points to a route other than `from` and other than a person's. */
  const pointsElsewhere = (from: string, sure: boolean) => sure && decision.route !== from && decision.route !== graph.triage.fallbackRoute;
  // "Which carrier is it with?" about the order just discussed stays with that order; when triage
  // is sure it is about something else, that is tried first and the order is the fallback.
  const orderDetail = asksForOrderDetail(text);
  const aboutOrder =
    topic && ordersAgent && topic.route === ordersAgent.route && memory.orderId && !mentioned && (POINTS_BACK_TO_ORDER.test(text) || orderDetail)
      ? {
          agent: ordersAgent,
          // "ok, cancel that order" after its status: the new request, on the same order.
          intent: decision.confident && decision.route === topic.route ? decision.intent : topic.intent,
          confidence: Math.max(decision.confidence, 0.8),
          query: `${topic.query} ${text}`,
          topicWords: topic.query,
        }
      : null;
  if (aboutOrder) {
    // Sure of another route, or an article clearly covers the message ("will I pay customs?").
    const elsewhere = !orderDetail && pointsElsewhere(topic!.route, decision.confident || decision.knowledge !== undefined);
    trace.push({ kind: 'triage', name: 'follow_up', data: { topic: topic!.route, route: elsewhere ? decision.route : topic!.route }, at: now() });
    if (!elsewhere) return aboutOrder;
    return { agent: agentForRoute(graph, decision.route), intent: decision.intent, confidence: decision.confidence, query: text, fallback: aboutOrder };
  }
  if (topic && isFollowUp(text, words, decision.confident)) {
    const agent = agentForRoute(graph, topic.route);
    // A follow-up that itself names another route confidently ("and can I pay with PayPal?") goes there, with the context.
    // A short "and for PayPal?" continues the topic even when its one word has a route of its own;
    // "that doesn't help, get me a person" never does: triage sure of a person's route is obeyed.
    const toPerson = decision.confident && decision.route === graph.triage.fallbackRoute && decision.route !== topic.route;
    // One that points back ("can I use more than one on an order?" after gift cards) needs the topic to be understood.
    const own = toPerson || (pointsElsewhere(topic.route, decision.confident) && words > SHORT_FOLLOW_UP_WORDS && !pointsBack(text));
    const target = own ? agentForRoute(graph, decision.route) : agent;
    trace.push({ kind: 'triage', name: 'follow_up', data: { topic: topic.route, route: target.route }, at: now() });
    // A follow-up confidently about something else stands on its own words; otherwise the topic's words complete it.
    return { agent: target, intent: own ? decision.intent : topic.intent, confidence: Math.max(decision.confidence, 0.8), query: own ? text : `${topic.query} ${text}`, topicSlug: own ? null : topic.slug, ...(own ? {} : { topicWords: topic.query }) };
  }
  // An order number with a question the knowledge base would take ("where is <order>, and do you
  // have a student discount?"): the order is the primary need; the rest is acknowledged.
  if (ordersAgent && mentioned) {
    const agent = agentForRoute(graph, decision.route);
    const ownTicket = agent.tickets[decision.intent] !== undefined;
    if (agent.kind !== 'orders' && !ownTicket && (agent.kind === 'knowledge' || !decision.confident)) {
      const intent = isCase || !topic || topic.route !== ordersAgent.route ? orderQuestion : topic.intent;
      return { agent: ordersAgent, intent, confidence: Math.max(decision.confidence, 0.8), query: text, alsoAsked: agent.kind === 'knowledge' && decision.confident };
    }
  }
  // A case (a parcel that never came, a damaged or wrong item) is about an order whatever words it
  // uses; told as a complaint it still gets its procedure and ticket, unless it asks for a person.
  const complaintCase = decision.route === graph.triage.fallbackRoute && !ASKS_FOR_PERSON.test(text);
  // Told right after an order was discussed, the case is about that order ("the box came crushed").
  const orderInTalk = memory.orderId !== null && topic?.route === ordersAgent?.route;
  if (ordersAgent && isCase && (mentioned || orderInTalk || decision.route === ordersAgent.route || !decision.confident || complaintCase)) {
    // "You sent me the wrong sweater" is no question about placing an order, whatever its words suggest.
    const ownIntent = decision.route === ordersAgent.route && !ordersAgent.knowledgeIntents.includes(decision.intent);
    return { agent: ordersAgent, intent: ownIntent ? decision.intent : orderQuestion, confidence: Math.max(decision.confidence, 0.8), query: text };
  }
  // Not confident, but the classifier thinks of a specialist: the knowledge base may still answer it.
  if (!decision.confident && knowledgeAgent && decision.predictedRoute && decision.predictedRoute !== graph.triage.fallbackRoute) {
    const predicted = agentForRoute(graph, decision.predictedRoute);
    const agent = predicted.kind === 'orders' && mentioned ? predicted : knowledgeAgent;
    return { agent, intent: agent === predicted ? decision.intent : 'article_match', confidence: decision.confidence, query: text };
  }
  return { agent: agentForRoute(graph, decision.route), intent: decision.intent, confidence: decision.confidence, query: text };
}
