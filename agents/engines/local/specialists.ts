/**
 * What each kind of specialist does with a turn: the knowledge agent answers from the knowledge
 * base (or opens the ticket its intent needs), the orders agent runs the order desk, and the
 * handoff agent gives the turn to a person.
 */
import type { AgentDefinition } from '../../graph.ts';
import { CONFIDENT_REQUEST, type EngineContext, type Specialist } from './engine-context.ts';
import { answered, answerFromKnowledge, findAnswer } from './knowledge-answers.ts';
import { orderDesk } from './order-desk.ts';
import { handoff, ticketReply } from './replies.ts';
import { isQuestion } from './message-kind.ts';

/** The specialist of each agent kind, sharing the engine's context. */
export function createSpecialists(ctx: EngineContext): Record<AgentDefinition['kind'], Specialist> {
  return {
    async knowledge(turn) {
      const rule = turn.agent.tickets[turn.intent];
      if (!rule) return answerFromKnowledge(ctx, turn);
      // "How long do refunds take?" asks for a fact; "I want my refund" asks for something to be done.
      const answer = await findAnswer(ctx, turn, turn.query);
      if (answer && isQuestion(turn.text)) return answered(turn, answer);
      // A question the knowledge base does not answer, which triage only guessed to be this need
      // ("is the linen dress see-through?" read as a payment issue): a person reads it, no case of that kind.
      if (!answer && isQuestion(turn.text) && turn.confidence < CONFIDENT_REQUEST) return handoff(ctx, turn, 'unanswerable', ctx.replies.unanswerable);
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
