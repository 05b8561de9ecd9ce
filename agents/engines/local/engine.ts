/**
 * The embedded `local` engine: no network. Triage is a trained text classifier over intents
 * (mapped to routes by the graph); specialists answer from the knowledge base (the passage that
 * answers, when one does: answerability.ts), the order system (to customers verified for the
 * order: order-access.ts) and answer templates; what needs a person becomes a ticket. The
 * conversation's memory (memory.ts) carries the order, the topic and open questions between turns;
 * small talk (small-talk.ts) gets a short reply and stays with the bot.
 *
 * This module holds triage and the wiring; the steps live beside it: the shared context
 * (engine-context.ts), routing (routing.ts), the specialists (specialists.ts) with answers from
 * the knowledge base (knowledge-answers.ts) and the order desk (order-desk.ts), the reply shapes
 * (replies.ts) and the language gate (other-language.ts).
 */
import type { AgentEngine, AgentRunResult, TraceStep } from '../../../src/core/ports.ts';
import type { KnowledgePassage } from '../../../src/core/types.ts';
import type { AgentGraph } from '../../graph.ts';
import type { Vocabulary } from './answerability.ts';
import { cleanForTriage } from './clean-text.ts';
import { createEngineContext, type Turn } from './engine-context.ts';
import type { KnowledgeMatch } from './knowledge-evidence.ts';
import { readMemory, type Memory } from './memory.ts';
import { otherLanguageOf } from './other-language.ts';
import { handoff } from './replies.ts';
import { decide } from './routing.ts';
import { detectSmallTalk } from './small-talk.ts';
import { createSpecialists } from './specialists.ts';

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

/** What a local engine is built from: the graph, the trained classifier and the knowledge base's helpers. */
export interface LocalEngineDeps {
  graph: AgentGraph;
  classify(text: string): IntentPrediction;
  /** Finds the article covering a message (knowledge-evidence.ts); without it triage ignores the knowledge base. */
  knowledge?: (text: string) => KnowledgeMatch;
  /** Word statistics of the knowledge base's passages, for choosing and judging answers (answerability.ts). Read per run, so a getter can follow a changing knowledge base. */
  vocabulary?: Vocabulary;
  /** An article's tags by slug: words the article is about that its passages may not use ("shop" for stores). */
  tagsOf?: (slug: string) => string;
  /** An article's passages by slug (as the store keeps them): every section of the article a follow-up continues is a candidate. */
  passagesOf?: (slug: string) => KnowledgePassage[];
  /** Whether a word means anything to this deployment; a message of none is unclear. Default: any word does. */
  isKnownWord?: (word: string) => boolean;
  /** The language of a text (ISO 639-1) when it can be told reliably, else null. */
  detectLanguage?: (text: string) => string | null;
  /** Overrides the graph's threshold (CONFIDENCE_THRESHOLD). */
  confidenceThreshold?: number;
  now?: () => number;
}

/**
 * The engine: each message is checked for a language the deployment does not answer in, then for
 * small talk, then routed (routing.ts) to the specialist of its agent's kind (specialists.ts).
 */
export function createLocalEngine(deps: LocalEngineDeps): AgentEngine {
  const ctx = createEngineContext(deps);
  const { graph, now, replies, isKnownWord, extractEmail, extractOrderId } = ctx;
  const threshold = deps.confidenceThreshold ?? graph.triage.confidenceThreshold;
  const triage = createTriage(graph, deps.classify, threshold, deps.knowledge);
  const specialists = createSpecialists(ctx);

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
      const base: Turn = { input, agent: ctx.knowledgeAgent ?? ctx.fallbackAgent, intent: 'small_talk', confidence: 1, text, query: text, memory, trace };

      const language = otherLanguageOf(ctx, text);
      if (language) {
        trace.push({ kind: 'triage', name: 'language', data: { language }, at: now() });
        return handoff(ctx, { ...base, intent: 'other_language' }, `other_language:${language}`, replies.other_language, { language });
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
    const { alsoAsked, fallback, ...route } = decide(ctx, triage, text, memory, trace);
    let answer = await specialists[route.agent.kind]({ ...base, ...route });
    // The first choice needs a person or a ticket, while the fallback (the order just discussed) may answer alone.
    if (fallback && (answer.handoff || answer.ticket)) {
      const second = await specialists[fallback.agent.kind]({ ...base, ...fallback, trace: [...trace] });
      if (!second.handoff && !second.ticket) answer = second;
    }
    return alsoAsked && !answer.handoff ? { ...answer, text: `${answer.text}\n\n${replies.also_noted}` } : answer;
  }
}
