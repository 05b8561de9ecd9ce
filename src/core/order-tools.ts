/**
 * The agents' order tools over the company's OrderSource, and what the customer hears when that
 * system is unreachable. Engines differ in how they treat a failing tool (the embedded engine lets
 * it throw; a model engine may show the error to the model and answer anyway), so each run records
 * whether the order system failed, and the pipeline decides the reply the same way for both.
 */
import { OrderSourceError } from './errors.ts';
import type { AgentRunResult, AgentTools, OrderSource } from './ports.ts';
import type { Message } from './types.ts';

export interface RunOrderTools extends Pick<AgentTools, 'lookupOrder' | 'ordersForEmail'> {
  /** The failure of the run's last order lookup, or null when it answered (or none was made). */
  failure(): OrderSourceError | null;
}

/** Order tools for one agent run. */
export function orderToolsForRun(orders: OrderSource): RunOrderTools {
  let failure: OrderSourceError | null = null;
  async function track<T>(lookup: Promise<T>): Promise<T> {
    try {
      const answer = await lookup;
      failure = null; // a later lookup that worked supersedes an earlier failure
      return answer;
    } catch (error) {
      if (error instanceof OrderSourceError) failure = error;
      throw error;
    }
  }
  return {
    lookupOrder: (orderId) => track(orders.getOrder(orderId)),
    ordersForEmail: (email) => track(orders.ordersForEmail(email)),
    failure: () => failure,
  };
}

export const ORDER_SYSTEM_UNAVAILABLE_TEXT =
  "Sorry, I can't reach our order system right now, so I can't look up your order. I've opened a ticket and a person from our team will follow up here.";

/**
 * A reply the pipeline gives itself when a run cannot answer (the engine failed, the order system
 * is down): the customer is told plainly and a person takes over, as the deployment's fallback agent.
 */
export function pipelineHandoffReply(message: Pick<Message, 'text'>, fallback: { agent: string; route: string }, reason: string, text: string): AgentRunResult {
  return {
    ...fallback,
    confidence: 0,
    text,
    handoff: { reason },
    ticket: { category: reason, priority: 'normal', summary: message.text.slice(0, 200), status: 'escalated' },
  };
}

/** The reply when the order system failed. */
export function orderSystemUnavailableReply(message: Pick<Message, 'text'>, fallback: { agent: string; route: string }): AgentRunResult {
  return pipelineHandoffReply(message, fallback, 'order_system_unavailable', ORDER_SYSTEM_UNAVAILABLE_TEXT);
}
