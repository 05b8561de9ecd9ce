/**
 * The deployment's custom actions (agents.yaml `actions`, agents/actions.ts) as function tools.
 * The model sees the action's description and JSON Schema; the call goes through the ActionCaller
 * port (adapters/actions), which validates the arguments, so a wrong argument comes back to the
 * model as a clear error to correct. An action with `approval: true` pauses the run until a person
 * approves it, exactly like the refund and cancellation tools.
 */
import { tool, type RunContext, type Tool } from '@openai/agents';
import type { ActionCaller, CustomAction, CustomerValues } from '../../actions.ts';
import { normaliseEmail, normalisePhone } from '../../../src/core/order-access.ts';
import type { AgentRunInput } from '../../../src/core/ports.ts';
import type { TurnContext } from './tools.ts';

/**
 * The customer's proven identity as template values: an email they write from (or a signed-in
 * visitor's signed email), a number they text from. What they only typed is never one.
 */
function customerValues(input: Pick<AgentRunInput, 'asker' | 'contact'>): CustomerValues {
  const { asker, contact } = input;
  const email = asker.emails.find((e) => normaliseEmail(e) === normaliseEmail(contact.email)) ?? asker.emails[0];
  const phone = asker.phones.map(normalisePhone).find((p) => p !== null);
  return { ...(email ? { 'customer.email': normaliseEmail(email) } : {}), ...(phone ? { 'customer.phone': phone } : {}) };
}

export function actionTool(action: CustomAction, call: ActionCaller): Tool<TurnContext> {
  const { properties, required, description } = action.parameters;
  // Not strict: a shop's schema need not meet OpenAI's strict-mode rules (every property required),
  // and open-weight servers ignore strictness anyway. The caller validates every call and drops
  // fields the schema does not declare.
  const parameters = { type: 'object' as const, properties, required, additionalProperties: true as const, ...(description ? { description } : {}) };
  return tool({
    name: action.name,
    description: action.approval
      ? `${action.description} A member of the team must approve each call before it runs; call it once you know what the customer wants.`
      : action.description,
    parameters,
    strict: false,
    needsApproval: action.approval,
    async execute(args, ctx?: RunContext<TurnContext>) {
      if (!ctx?.context) throw new Error('tool called outside a Frontdesk run');
      const t = ctx.context;
      const outcome = await call(action, args, customerValues(t.input));
      if (!outcome.ok) return { error: outcome.message };
      t.evidence += 1;
      if (!outcome.found) return { found: false, note: `${action.system} has no record for these details. Share nothing else; ask the customer to check them.` };
      return { found: true, result: outcome.result };
    },
  });
}
