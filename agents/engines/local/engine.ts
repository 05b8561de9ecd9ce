/**
 * The embedded `local` engine: no network. Triage is a trained text classifier over intents
 * (mapped to routes by the graph); specialists answer from the knowledge base (the passage that
 * answers, when one does: answerability.ts), the order system (to customers verified for the
 * order: order-access.ts) and answer templates; what needs a person becomes a ticket. The
 * conversation's memory (memory.ts) carries the order, the topic and open questions between turns;
 * small talk (small-talk.ts) gets a short reply and stays with the bot.
 */
import type { AgentEngine, AgentRunInput, AgentRunResult, TraceStep } from '../../../src/core/ports.ts';
import { newId } from '../../../src/core/ids.ts';
import { ANONYMOUS_ASKER, askerOwnsOrder, emailMatchesOrder, MAX_EMAIL_ATTEMPTS } from '../../../src/core/order-access.ts';
import type { KnowledgePassage, Order, PassageHit } from '../../../src/core/types.ts';
import { agentForRoute, renderTemplate, type AgentDefinition, type AgentGraph } from '../../graph.ts';
import { answerabilityModel, bestPassage, bestSentenceScore, buildVocabulary, contentWords, expandQuery, type Vocabulary } from './answerability.ts';
import { cleanForTriage } from './clean-text.ts';
import type { KnowledgeMatch } from './knowledge-evidence.ts';
import { isFollowUp, readMemory, type Memory } from './memory.ts';
import { detectSmallTalk } from './small-talk.ts';

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
  /** Word statistics of the knowledge base's passages, for choosing and judging answers (answerability.ts). Read per run, so a getter can follow a changing knowledge base. */
  vocabulary?: Vocabulary;
  /** An article's tags by slug: words the article is about that its passages may not use ("shop" for stores). */
  tagsOf?: (slug: string) => string;
  /** Whether a word means anything to this deployment; a message of none is unclear. Default: any word does. */
  isKnownWord?: (word: string) => boolean;
  /** The language of a text (ISO 639-1) when it can be told reliably, else null. */
  detectLanguage?: (text: string) => string | null;
  /** Overrides the graph's threshold (CONFIDENCE_THRESHOLD). */
  confidenceThreshold?: number;
  now?: () => number;
}

/** One turn: what the specialists work with. */
interface Turn {
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
  memory: Memory;
  trace: TraceStep[];
}

type Specialist = (turn: Turn) => Promise<AgentRunResult>;

/** Passages read from the store per question: enough to hold every section a question could mean. */
const PASSAGE_CANDIDATES = 10;
/** An answer quotes one section; its passages together stay about a screenful. */
const ANSWER_CHARS = 900;
/** Words from which a language can be told apart reliably. */
const LANGUAGE_MIN_WORDS = 3;
const LANGUAGE_MIN_LETTERS = 8;
/** Preference for the passages of the article a follow-up continues (ranks are about 0–1.5). */
const TOPIC_ARTICLE_BONUS = 0.2;
/** A follow-up this short (content words) is read with the topic's words, whatever route its own words suggest. */
const SHORT_FOLLOW_UP_WORDS = 1;
/** Triage's confidence from which a question routed to orders without an order number is about one. */
const CONFIDENT_ORDER_QUESTION = 0.8;
/** Languages written in the Latin script (a message in another script is in none of them). */
const LATIN_SCRIPT = new Set('en es fr de it pt nl sv no da fi pl cs sk sl hr ro hu tr id ms vi ca et lv lt ga cy is af sq tl sw'.split(' '));
/** The customer speaks of an order of theirs, so its number is needed before anything else. */
const OWN_ORDER = /\b(my|our|the|this|that)\s+(order|package|parcel|delivery|purchase|shipment|item|items|stuff|refund|return)\b|\bwhere(?:'s| is)\s+(it|my)\b/i;
/** A question asks for a fact; a statement or request asks for something to be done. */
const QUESTION = /\?\s*$|^\s*(how|what|whats|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should|may|if)\b/i;
const REQUEST = /\b(i want|i need|i would like|i'd like|please|pls|plz|can you|could you)\b/i;
const POINTS_BACK_TO_ORDER = /\b(it|its|it's|that|this|that one|this one|the order|the parcel|the package|the delivery|them)\b/i;
const isQuestion = (text: string) => QUESTION.test(text) && !REQUEST.test(text);

export function createLocalEngine(deps: LocalEngineDeps): AgentEngine {
  const { graph } = deps;
  const threshold = deps.confidenceThreshold ?? graph.triage.confidenceThreshold;
  const triage = createTriage(graph, deps.classify, threshold, deps.knowledge);
  const orderIdPattern = new RegExp(graph.orderIdPattern, 'i');
  const now = deps.now ?? Date.now;
  const replies = graph.triage.replies;
  const isKnownWord = deps.isKnownWord ?? (() => true);
  const fallbackAgent = agentForRoute(graph, graph.triage.fallbackRoute);
  const knowledgeAgent = graph.triage.knowledgeRoute ? agentForRoute(graph, graph.triage.knowledgeRoute) : null;
  const ordersAgent = graph.agents.find((a) => a.kind === 'orders') ?? null;
  /** The intent of an order question that named none of its own (a bare order number). */
  const orderQuestion =
    ordersAgent?.defaultIntent ?? Object.keys(graph.triage.intents).find((intent) => graph.triage.intents[intent] === ordersAgent?.route) ?? 'unsure';
  const caseRules = ordersAgent ? Object.entries(ordersAgent.cases).map(([name, rule]) => ({ name, rule, patterns: rule.patterns.map((p) => new RegExp(p, 'i')) })) : [];

  const extractOrderId = (text: string): string | null => {
    const match = orderIdPattern.exec(text);
    if (!match) return null;
    return match.length > 2 ? `${match[1]!.toUpperCase()}-${match[2]}` : match[0].toUpperCase();
  };
  const extractEmail = (text: string): string | null => /[^\s@<>(),;:"']+@[^\s@<>(),;:"']+\.[a-z]{2,}/i.exec(text)?.[0] ?? null;
  const caseIn = (text: string) => caseRules.find((c) => c.patterns.some((p) => p.test(text))) ?? null;

  function result(turn: Turn, text: string, memory: Memory, extra: Partial<AgentRunResult> = {}): AgentRunResult {
    return { agent: turn.agent.name, route: turn.agent.route, confidence: turn.confidence, text, state: memory, trace: turn.trace, ...extra };
  }

  /** A reply that opens a ticket (and hands over to people when the rule says so). */
  function ticketReply(turn: Turn, rule: TicketRule, values: Record<string, string | null> = {}, memory = turn.memory): AgentRunResult {
    const summary = ticketSummary(turn.text);
    const ticketId = newId();
    return result(turn, renderTemplate(rule.reply, { ticket_summary: summary, ticket_id: ticketId, ...values }), { ...memory, ticketId, awaiting: null }, {
      ticket: { id: ticketId, category: rule.category, priority: rule.priority, summary, status: rule.handoff ? 'escalated' : 'open' },
      ...(rule.handoff ? { handoff: { reason: rule.category } } : {}),
    });
  }

  /** A person takes over: an escalated ticket, and the reply the escalation agent's rule (or `reply`) gives. */
  function handoff(turn: Turn, reason: string, reply?: string, values: Record<string, string | null> = {}): AgentRunResult {
    const rule = fallbackAgent.tickets[turn.intent] ?? fallbackAgent.tickets.unsure!;
    turn.trace.push({ kind: 'handoff', name: fallbackAgent.name, data: { reason }, at: now() });
    return ticketReply({ ...turn, agent: fallbackAgent }, { ...rule, category: reply ? reason : rule.category, reply: reply ?? rule.reply, handoff: true }, values);
  }

  /** The section of the knowledge base that answers the query, or null when none does. */
  async function findAnswer(turn: Turn, query: string): Promise<{ text: string; slug: string; probability: number } | null> {
    const vocabulary = deps.vocabulary;
    const expanded = vocabulary ? expandQuery(query, vocabulary) : null;
    // Passages only the synonyms find join as candidates, ranked by their match alone: the
    // engine's score for the expanded query would reward a synonym as much as the customer's word.
    const [hits, more] = await Promise.all([
      turn.input.tools.searchPassages(query, PASSAGE_CANDIDATES),
      expanded ? turn.input.tools.searchPassages(expanded, PASSAGE_CANDIDATES) : Promise.resolve([]),
    ]);
    const seen = new Set(hits.map((h) => h.passage.id));
    for (const h of more) if (!seen.has(h.passage.id)) hits.push({ ...h, score: 0 });
    const sections = sectionsOf(hits).map((section) => ({ ...section, bonus: turn.topicSlug && section.members[0]!.slug === turn.topicSlug ? TOPIC_ARTICLE_BONUS : 0 }));
    const chosen = bestPassage(query, sections, vocabulary ?? buildVocabulary(hits.map((h) => `${h.passage.title} ${h.passage.heading ?? ''} ${h.passage.text}`)));
    turn.trace.push({
      kind: 'tool',
      name: 'search_knowledge',
      data: { passages: hits.slice(0, 3).map((h) => h.passage.id), best: chosen?.hit.members[0]!.id ?? null, answerable: chosen ? Number(chosen.probability.toFixed(3)) : 0 },
      at: now(),
    });
    if (!chosen || chosen.probability < answerabilityModel.threshold) return null;
    const { members } = chosen.hit;
    const first = members[0]!;
    const heading = first.heading ? `**${first.heading}**\n\n` : '';
    return { text: `${heading}${quoteOf(members, query, vocabulary)}\n\n(From our help article "${first.title}".)`, slug: first.slug, probability: chosen.probability };
  }

  /**
   * What to quote of a section: its passages up to a screenful, the one holding the sentence that
   * best matches the question first in, then shown in article order.
   */
  function quoteOf(members: KnowledgePassage[], query: string, vocabulary: Vocabulary | undefined): string {
    if (members.length === 1 || !vocabulary) return members[0]!.text;
    const ranked = [...members].sort((a, b) => bestSentenceScore(query, b, vocabulary) - bestSentenceScore(query, a, vocabulary));
    const kept = new Set<KnowledgePassage>();
    let length = 0;
    for (const p of ranked) {
      if (kept.size > 0 && length + p.text.length > ANSWER_CHARS) continue;
      kept.add(p);
      length += p.text.length;
    }
    return members.filter((p) => kept.has(p)).map((p) => p.text).join('\n\n');
  }

  /**
   * The candidates as whole sections: the passages of one article under one heading that came up
   * (a section split in two) are judged and quoted together, in article order, up to a screenful.
   */
  function sectionsOf(hits: PassageHit[]) {
    const groups = new Map<string, PassageHit[]>();
    for (const h of hits) {
      const key = `${h.passage.articleId}\u0000${h.passage.heading ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), h]);
    }
    return [...groups.values()].map((group) => {
      const members = group.map((h) => h.passage).sort((a, b) => a.position - b.position);
      const title = deps.tagsOf ? `${members[0]!.title} ${deps.tagsOf(members[0]!.slug)}` : members[0]!.title;
      // Judged on everything the section showed; quoted up to a screenful (quoteOf).
      const text = members.map((p) => p.text).join('\n\n');
      return { members, score: Math.max(...group.map((h) => h.score)), passage: { title, heading: members[0]!.heading, text } };
    });
  }

  async function answerFromKnowledge(turn: Turn): Promise<AgentRunResult> {
    const answer = await findAnswer(turn, turn.query);
    if (!answer) return handoff(turn, 'unanswerable', replies.unanswerable);
    return answered(turn, answer);
  }

  function answered(turn: Turn, answer: { text: string; slug: string }): AgentRunResult {
    const topic = { route: turn.agent.route, intent: turn.intent, query: turn.query.slice(0, 500), slug: answer.slug };
    return result(turn, answer.text, { ...turn.memory, topic, awaiting: null });
  }

  const specialists: Record<AgentDefinition['kind'], Specialist> = {
    async knowledge(turn) {
      const rule = turn.agent.tickets[turn.intent];
      if (!rule) return answerFromKnowledge(turn);
      // "How long do refunds take?" asks for a fact; "I want my refund" asks for something to be done.
      const answer = await findAnswer(turn, turn.query);
      if (answer && isQuestion(turn.text)) return answered(turn, answer);
      const ticket = ticketReply(turn, rule, { order_id: extractOrderId(turn.text) ?? turn.memory.orderId });
      return answer ? { ...ticket, text: `${answer.text}\n\n${ticket.text}` } : ticket;
    },

    async orders(turn) {
      if (turn.agent.knowledgeIntents.includes(turn.intent)) return answerFromKnowledge(turn);
      return orderDesk(turn);
    },

    async handoff(turn) {
      return handoff(turn, turn.intent);
    },
  };

  /**
   * An order question: find which order, make sure the asker may see it (see order-access.ts),
   * then answer its status, follow the procedure of a case (a missing parcel), or open the ticket
   * the intent needs.
   */
  async function orderDesk(turn: Turn): Promise<AgentRunResult> {
    const { tools } = turn.input;
    const asker = turn.input.asker ?? ANONYMOUS_ASKER;
    const templates = turn.agent.templates;
    const memory = turn.memory;
    const intent = memory.awaiting && memory.pendingIntent ? memory.pendingIntent : turn.intent;
    const orderId = extractOrderId(turn.text) ?? memory.orderId ?? orderIdInHistory(turn.input);
    const topic = { route: turn.agent.route, intent, query: turn.query.slice(0, 500), slug: null };
    const typedEmail = extractEmail(turn.text) ?? memory.typedEmail;
    if (!orderId) {
      // "How long does standard delivery take?" is about delivery, not about one order of theirs.
      if (!memory.awaiting && !OWN_ORDER.test(turn.text)) {
        const answer = await findAnswer(turn, turn.query);
        if (answer) return answered(turn, answer);
      }
      // Not about an order of theirs, no answer in the knowledge base, and triage unsure: a person decides.
      if (!memory.awaiting && !OWN_ORDER.test(turn.text) && turn.confidence < CONFIDENT_ORDER_QUESTION) {
        return handoff(turn, 'unanswerable', replies.unanswerable);
      }
      return result(turn, templates.ask_order_id!, { ...memory, topic, typedEmail, awaiting: 'order_id', pendingIntent: intent });
    }
    const remembered: Memory = { ...memory, orderId, topic, typedEmail: null, pendingIntent: intent };
    const order = await tools.lookupOrder(orderId);
    turn.trace.push({ kind: 'tool', name: 'lookup_order', data: { orderId, found: order !== null }, at: now() });
    const values = order ? orderValues(order) : { order_id: orderId };

    const proven = order !== null && (askerOwnsOrder(order, asker) || memory.orderVerification.verified.includes(order.id));
    if (!proven) {
      const typed = typedEmail;
      if (!typed) {
        // Asked the same whether the order exists or not: nothing about other customers' orders leaks.
        if (!order && (asker.emails.length > 0 || asker.phones.length > 0)) {
          return result(turn, renderTemplate(templates.not_found_for_you ?? templates.not_found!, values), { ...remembered, orderId: null, awaiting: 'order_id' });
        }
        return result(turn, renderTemplate(templates.ask_email!, values), { ...remembered, awaiting: 'order_email' });
      }
      if (!order || !emailMatchesOrder(order, typed)) {
        const failures = memory.orderVerification.failures + 1;
        const orderVerification = { ...memory.orderVerification, failures };
        turn.trace.push({ kind: 'tool', name: 'verify_order_email', data: { orderId, verified: false, failures }, at: now() });
        if (failures >= MAX_EMAIL_ATTEMPTS) {
          return handoff({ ...turn, memory: { ...remembered, orderVerification } }, 'order_verification_failed', templates.verification_failed, { order_id: orderId });
        }
        return result(turn, renderTemplate(templates.email_mismatch!, values), { ...remembered, orderVerification, awaiting: 'order_email' });
      }
      turn.trace.push({ kind: 'tool', name: 'verify_order_email', data: { orderId, verified: true }, at: now() });
      remembered.orderVerification = { ...memory.orderVerification, verified: [...memory.orderVerification.verified, order.id] };
    }
    const verified: Memory = { ...remembered, awaiting: null };
    const orderTurn = { ...turn, memory: verified };

    const found = caseIn(turn.text) ?? (memory.awaiting ? caseIn(memory.topic?.query ?? '') : null);
    if (found && (found.rule.statuses.length === 0 || found.rule.statuses.includes(order!.status))) {
      const procedure = await findAnswer(orderTurn, found.rule.search);
      const caseValues = { ...values, procedure: procedure?.text ?? '' };
      const { waitHours, waitReply } = found.rule;
      if (waitHours !== undefined && waitReply && order!.deliveredAt !== null && now() - order!.deliveredAt < waitHours * 3_600_000) {
        return result(orderTurn, renderTemplate(waitReply, caseValues), verified);
      }
      return ticketReply({ ...orderTurn, intent: found.name }, found.rule.ticket, caseValues, verified);
    }
    // What cannot be done to an order in its status (cancelling a shipped one) is said, not ticketed.
    const refusal = turn.agent.refusals[intent];
    if (refusal && refusal.statuses.includes(order!.status)) {
      return result(orderTurn, renderTemplate(templates[refusal.template]!, values), verified);
    }
    const rule = turn.agent.tickets[intent];
    if (rule) return ticketReply({ ...orderTurn, intent }, rule, values, verified);
    return result(orderTurn, renderTemplate(templates[order!.status]!, values), verified);
  }

  /** An order number the customer gave earlier in the thread (an email follow-up quoting nothing new). */
  function orderIdInHistory(input: AgentRunInput): string | null {
    for (const m of [...input.history].reverse()) {
      if (m.direction !== 'inbound') continue;
      const id = extractOrderId(cleanForTriage(m.text));
      if (id) return id;
    }
    return null;
  }

  /** The turn's route: triage, or the topic before it when the message continues it. */
  function decide(text: string, memory: Memory, trace: TraceStep[]): RouteChoice {
    // A customer answering our question (an order number, the order's email) stays with the orders agent.
    if (ordersAgent && memory.awaiting && (extractOrderId(text) || (memory.awaiting === 'order_email' && extractEmail(text)))) {
      trace.push({ kind: 'triage', name: 'resume', data: { agent: ordersAgent.name, awaiting: memory.awaiting }, at: now() });
      return { agent: ordersAgent, intent: memory.pendingIntent ?? orderQuestion, confidence: 0.95, query: memory.topic?.query ?? text };
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
    // "Which carrier is it with?" about the order just discussed stays with that order.
    // "Which carrier is it with?" about the order just discussed stays with that order; when triage
    // is sure it is about something else, that is tried first and the order is the fallback.
    const aboutOrder =
      topic && ordersAgent && topic.route === ordersAgent.route && memory.orderId && !extractOrderId(text) && POINTS_BACK_TO_ORDER.test(text)
        ? { agent: ordersAgent, intent: topic.intent, confidence: Math.max(decision.confidence, 0.8), query: `${topic.query} ${text}` }
        : null;
    if (aboutOrder) {
      // Sure of another route, or an article clearly covers the message ("will I pay customs?").
      const elsewhere = (decision.confident || decision.knowledge !== undefined) && decision.route !== topic!.route && decision.route !== graph.triage.fallbackRoute;
      trace.push({ kind: 'triage', name: 'follow_up', data: { topic: topic!.route, route: elsewhere ? decision.route : topic!.route }, at: now() });
      if (!elsewhere) return aboutOrder;
      return { agent: agentForRoute(graph, decision.route), intent: decision.intent, confidence: decision.confidence, query: text, fallback: aboutOrder };
    }
    if (topic && isFollowUp(text, words, decision.confident)) {
      const agent = agentForRoute(graph, topic.route);
      // A follow-up that itself names another route confidently ("and can I pay with PayPal?") goes there, with the context.
      // A short "and for PayPal?" continues the topic even when its one word has a route of its own.
      const own = decision.confident && decision.route !== topic.route && decision.route !== graph.triage.fallbackRoute && words > SHORT_FOLLOW_UP_WORDS;
      const target = own ? agentForRoute(graph, decision.route) : agent;
      trace.push({ kind: 'triage', name: 'follow_up', data: { topic: topic.route, route: target.route }, at: now() });
      // A follow-up confidently about something else stands on its own words; otherwise the topic's words complete it.
      return { agent: target, intent: own ? decision.intent : topic.intent, confidence: Math.max(decision.confidence, 0.8), query: own ? text : `${topic.query} ${text}`, topicSlug: own ? null : topic.slug };
    }
    // An order number with a question the knowledge base would take ("where is <order>, and do you
    // have a student discount?"): the order is the primary need; the rest is acknowledged.
    const mentioned = extractOrderId(text);
    if (ordersAgent && mentioned) {
      const agent = agentForRoute(graph, decision.route);
      const ownTicket = agent.tickets[decision.intent] !== undefined;
      if (agent.kind !== 'orders' && !ownTicket && (agent.kind === 'knowledge' || !decision.confident)) {
        const intent = caseIn(text) || !topic || topic.route !== ordersAgent.route ? orderQuestion : topic.intent;
        return { agent: ordersAgent, intent, confidence: Math.max(decision.confidence, 0.8), query: text, alsoAsked: agent.kind === 'knowledge' && decision.confident };
      }
    }
    // A case (a parcel that never came) is about an order whatever words it uses.
    if (ordersAgent && caseIn(text) && (extractOrderId(text) || decision.route === ordersAgent.route || !decision.confident)) {
      return { agent: ordersAgent, intent: decision.route === ordersAgent.route ? decision.intent : orderQuestion, confidence: Math.max(decision.confidence, 0.8), query: text };
    }
    // Not confident, but the classifier thinks of a specialist: the knowledge base may still answer it.
    if (!decision.confident && knowledgeAgent && decision.predictedRoute && decision.predictedRoute !== graph.triage.fallbackRoute) {
      const predicted = agentForRoute(graph, decision.predictedRoute);
      const agent = predicted.kind === 'orders' && extractOrderId(text) ? predicted : knowledgeAgent;
      return { agent, intent: agent === predicted ? decision.intent : 'article_match', confidence: decision.confidence, query: text };
    }
    return { agent: agentForRoute(graph, decision.route), intent: decision.intent, confidence: decision.confidence, query: text };
  }

  return {
    name: 'local',
    historyLimit: 6, // the memory decides; the thread's latest messages only fill in an order number it lacks
    async run(input) {
      const trace: TraceStep[] = [];
      const text = cleanForTriage(input.message.text ?? '').slice(0, 4_000);
      const read = readMemory(input.conversation.agentState);
      // An email the customer types is kept for the order they name next ("my email is …, order …").
      const email = extractEmail(text);
      const memory = email ? { ...read, typedEmail: email } : read;
      const base: Turn = { input, agent: knowledgeAgent ?? fallbackAgent, intent: 'small_talk', confidence: 1, text, query: text, memory, trace };

      const language = languageOf(text);
      if (language) {
        trace.push({ kind: 'triage', name: 'language', data: { language }, at: now() });
        return handoff({ ...base, intent: 'other_language' }, `other_language:${language}`, replies.other_language, { language });
      }
      const smallTalk = memory.awaiting && extractOrderId(text) ? null : detectSmallTalk(text, isKnownWord);
      if (smallTalk === 'unclear' && memory.topic) {
        // "sun?" after the opening hours: a follow-up the topic may answer; otherwise it is unclear.
        const followUp = await routeAndAnswer({ ...base }, text, memory, trace);
        if (!followUp.handoff) return followUp;
      }
      if (smallTalk) {
        trace.push({ kind: 'triage', name: 'small_talk', data: { kind: smallTalk }, at: now() });
        return { agent: graph.triage.name, route: 'small_talk', confidence: 1, text: replies[smallTalk], state: memory, trace };
      }
      return routeAndAnswer(base, text, memory, trace);
    },
  };

  async function routeAndAnswer(base: Turn, text: string, memory: Memory, trace: TraceStep[]): Promise<AgentRunResult> {
    const { alsoAsked, fallback, ...route } = decide(text, memory, trace);
    let answer = await specialists[route.agent.kind]({ ...base, ...route });
    // The first choice needs a person or a ticket, while the fallback (the order just discussed) may answer alone.
    if (fallback && (answer.handoff || answer.ticket)) {
      const second = await specialists[fallback.agent.kind]({ ...base, ...fallback, trace: [...trace] });
      if (!second.handoff && !second.ticket) answer = second;
    }
    return alsoAsked && !answer.handoff ? { ...answer, text: `${answer.text}\n\n${replies.also_noted}` } : answer;
  }

  /** The message's language when it is reliably one the deployment does not answer in. */
  function languageOf(text: string): string | null {
    if (!deps.detectLanguage) return null;
    const letters = text.replace(orderIdPattern, ' ');
    const words = letters.split(/[^\p{L}]+/u).filter((w) => w.length > 1);
    // Scripts without spaces (Japanese, Chinese) are told by their letters, not their words.
    const enough = words.length >= LANGUAGE_MIN_WORDS || letters.replace(/[^\p{L}]/gu, '').length >= LANGUAGE_MIN_LETTERS;
    if (!enough) return null;
    // Mostly words this deployment knows: its own language, whatever a short text looks like.
    if (words.length > 0 && words.filter((w) => isKnownWord(w)).length / words.length >= 0.6) return null;
    const language = deps.detectLanguage(letters);
    if (language) return graph.triage.languages.includes(language) ? null : language;
    // No reliable guess, but written mostly in a script none of the deployment's languages use.
    const all = letters.replace(/[^\p{L}]/gu, '');
    const latin = letters.replace(/[^\p{Script=Latin}]/gu, '');
    return all.length >= LANGUAGE_MIN_LETTERS / 2 && latin.length / all.length < 0.5 && graph.triage.languages.every((l) => LATIN_SCRIPT.has(l)) ? 'und' : null;
  }
}

type TicketRule = AgentDefinition['tickets'][string];

/** Where a turn goes: the agent, the intent it works with, and what to search the knowledge base with. */
interface RouteChoice {
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
}

/** A ticket's summary: the customer's first sentence or two, not a whole email. */
function ticketSummary(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= 200 ? oneLine : `${oneLine.slice(0, 197)}…`;
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
