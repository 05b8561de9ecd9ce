/**
 * What each kind of specialist does with a turn: the knowledge agent answers from the knowledge
 * base (or opens the ticket its intent needs), the orders agent runs the order desk, and the
 * handoff agent gives the turn to a person.
 */
import type { AgentDefinition } from '../../graph.ts';
import type { EngineContext, Specialist } from './engine-context.ts';
import { answered, answerFromKnowledge, findAnswer } from './knowledge-answers.ts';
import { orderDesk } from './order-desk.ts';
import { handoff, ticketReply } from './replies.ts';

/** A question asks for a fact; a statement or request asks for something to be done. */
const QUESTION = /\?\s*$|^\s*(how|what|whats|when|where|which|who|why|can|could|do|does|did|is|are|will|would|should|may|if)\b/i;
const REQUEST = /\b(i want|i need|i would like|i'd like|please|pls|plz|can you|could you)\b/i;
const isQuestion = (text: string) => QUESTION.test(text) && !REQUEST.test(text);

/** The specialist of each agent kind, sharing the engine's context. */
export function createSpecialists(ctx: EngineContext): Record<AgentDefinition['kind'], Specialist> {
  return {
    async knowledge(turn) {
      const rule = turn.agent.tickets[turn.intent];
      if (!rule) return answerFromKnowledge(ctx, turn);
      // "How long do refunds take?" asks for a fact; "I want my refund" asks for something to be done.
      const answer = await findAnswer(ctx, turn, turn.query);
      if (answer && isQuestion(turn.text)) return answered(turn, answer);
      const ticket = ticketReply(turn, rule, { order_id: ctx.extractOrderId(turn.text) ?? turn.memory.orderId });
      return answer ? { ...ticket, text: `${answer.text}\n\n${ticket.text}` } : ticket;
    },

    async orders(turn) {
      if (turn.agent.knowledgeIntents.includes(turn.intent)) return answerFromKnowledge(ctx, turn);
      return orderDesk(ctx, turn);
    },

    async handoff(turn) {
      return handoff(ctx, turn, turn.intent);
    },
  };
}
