/**
 * The shapes of a turn's answer: a plain reply, a reply that opens a ticket, and a handoff to a
 * person (an escalated ticket).
 */
import type { AgentRunResult } from '../../../src/core/ports.ts';
import { newId } from '../../../src/core/ids.ts';
import { customerTextsOf, summarizeNeed } from '../../../src/core/ticket-summary.ts';
import { renderTemplate, type AgentDefinition } from '../../graph.ts';
import type { EngineContext, Turn } from './engine-context.ts';
import type { Memory } from './memory.ts';

/** How an agent opens a ticket for an intent or a case (category, priority, reply, handoff). */
export type TicketRule = AgentDefinition['tickets'][string];

/** The turn's answer: `text` from the turn's agent, with the memory to keep. */
export function result(turn: Turn, text: string, memory: Memory, extra: Partial<AgentRunResult> = {}): AgentRunResult {
  return { agent: turn.agent.name, route: turn.agent.route, confidence: turn.confidence, text, state: memory, trace: turn.trace, ...extra };
}

/** A reply that opens a ticket (and hands over to people when the rule says so). */
export function ticketReply(turn: Turn, rule: TicketRule, values: Record<string, string | null> = {}, memory = turn.memory): AgentRunResult {
  const summary = summarizeNeed({ category: rule.category, orderId: values.order_id, customerTexts: [turn.text, ...customerTextsOf(turn.input).slice(1)] });
  const ticketId = newId();
  return result(turn, renderTemplate(rule.reply, { ticket_summary: summary, ticket_id: ticketId, ...values }), { ...memory, ticketId, awaiting: null }, {
    ticket: { id: ticketId, category: rule.category, priority: rule.priority, summary, status: rule.handoff ? 'escalated' : 'open' },
    ...(rule.handoff ? { handoff: { reason: rule.category } } : {}),
  });
}

/** A person takes over: an escalated ticket, and the reply the escalation agent's rule (or `reply`) gives. */
export function handoff(ctx: EngineContext, turn: Turn, reason: string, reply?: string, values: Record<string, string | null> = {}): AgentRunResult {
  const { fallbackAgent } = ctx;
  const rule = fallbackAgent.tickets[turn.intent] ?? fallbackAgent.tickets.unsure!;
  turn.trace.push({ kind: 'handoff', name: fallbackAgent.name, data: { reason }, at: ctx.now() });
  return ticketReply({ ...turn, agent: fallbackAgent }, { ...rule, category: reply ? reason : rule.category, reply: reply ?? rule.reply, handoff: true }, values);
}
