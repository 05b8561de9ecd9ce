/**
 * The graph's tools as function tools with zod schemas. They run against the turn's context
 * (the customer, the AgentTools port) and record what the run did: orders seen, evidence,
 * the ticket and the handoff it asked for. Privacy lives here first: an order is described only
 * to an asker verified for it (a proven email or phone, see src/core/order-access.ts, or the
 * order number + email check of `verify_order_email`), and only a proven email can be searched.
 */
import { tool, type RunContext, type Tool } from '@openai/agents';
import { z } from 'zod';
import { newId } from '../../../src/core/ids.ts';
import { askerOwnsOrder, askerProvesEmail, emailMatchesOrder, MAX_EMAIL_ATTEMPTS, mayVerifyByTypedEmail, normaliseEmail } from '../../../src/core/order-access.ts';
import type { AgentRunInput, TicketRequest } from '../../../src/core/ports.ts';
import type { Order } from '../../../src/core/types.ts';
import type { ActionCaller, CustomAction } from '../../actions.ts';
import { TOOL_NAMES, type AgentDefinition, type ToolName } from '../../graph.ts';
import { actionTool } from './action-tools.ts';

/** What one run knows and collects; passed to the SDK as the run context. */
export interface TurnContext {
  input: AgentRunInput;
  /** Orders looked up in this run that belong to the customer. */
  ownOrders: Map<string, Order>;
  /** Tool results that ground an answer. */
  evidence: number;
  /** Knowledge article bodies returned (public text the reply may quote). */
  publicText: string[];
  ticket: TicketRequest | null;
  handoff: { reason: string } | null;
  /** Actions a person approved and that ran in this run. */
  performed: ApprovedAction[];
  /** The conversation's order checks so far; kept in `agentState.orderVerification` between turns. */
  verification: OrderVerification;
}

/** Orders the customer proved with the order number + email check, and the wrong emails given. */
export interface OrderVerification {
  verified: Set<string>;
  failures: number;
}

/** The order checks a conversation's agent state remembers; anything malformed counts as none. */
export function verificationFrom(state: Record<string, unknown> | null): OrderVerification {
  const saved = state?.orderVerification as { verified?: unknown; failures?: unknown } | undefined;
  const verified = Array.isArray(saved?.verified) ? saved.verified.filter((id): id is string => typeof id === 'string') : [];
  const failures = typeof saved?.failures === 'number' && Number.isFinite(saved.failures) ? Math.max(0, Math.floor(saved.failures)) : 0;
  return { verified: new Set(verified), failures };
}

/** The agent-state form of the order checks (`agentState.orderVerification`). */
export function verificationState(verification: OrderVerification): { verified: string[]; failures: number } {
  return { verified: [...verification.verified], failures: verification.failures };
}

/** What lookup_order answers to anyone not verified for the order, whether it exists or not. */
const NEEDS_VERIFICATION = {
  found: 'unknown',
  needsVerification: true,
  note: 'Ask the customer for the email address used for the order, then call verify_order_email.',
} as const;

/** A refund or cancellation a person approved, about to be carried out. */
export interface ApprovedAction {
  /** The ticket intent (`get_refund`, `cancel_order`), which is also the tool's name. */
  intent: string;
  orderId: string | null;
  summary: string;
  conversationId: string;
}

/**
 * Carries out an approved action in the shop (refund, cancellation) and returns what to tell the
 * model, e.g. a refund reference. Without one the action is left to the approving person.
 */
export type ApprovedActionHandler = (action: ApprovedAction) => Promise<Record<string, unknown> | void>;

export interface ToolOptions {
  normaliseOrderId(text: string): string | null;
  /** An order number as customers see it (agents.yaml orderIdExample), for descriptions and notes. */
  orderIdExample?: string;
  /** The agent that takes what no one else can (the deployment's fallback agent). */
  fallbackAgent?: string;
  /** Ticket intents that need a person's approval (refunds, cancellations): each becomes a tool that pauses the run. */
  approvalIntents: ReadonlySet<string>;
  onApproved?: ApprovedActionHandler;
  /** The deployment's custom actions (agents.yaml `actions`), which agents list among their tools by name. */
  actions?: readonly CustomAction[];
  /** Calls a custom action on the company's API; required when an agent uses one. */
  callAction?: ActionCaller;
}

type Ctx = RunContext<TurnContext> | undefined;

function turn(ctx: Ctx): TurnContext {
  if (!ctx?.context) throw new Error('tool called outside a Frontdesk run');
  return ctx.context;
}

/** What the model may see of an order: no customer email (it is never needed to answer). */
function orderView(order: Order) {
  const day = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().slice(0, 10));
  return {
    orderId: order.id,
    status: order.status,
    items: order.items.map((i) => ({ name: i.name, quantity: i.quantity })),
    total: `${(order.totalCents / 100).toFixed(2)} ${order.currency}`,
    placed: day(order.placedAt),
    shipped: day(order.shippedAt),
    delivered: day(order.deliveredAt),
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    estimatedDelivery: day(order.estimatedDelivery),
  };
}

/** The function tools an agent of the graph may call. */
export function toolsFor(agent: AgentDefinition, options: ToolOptions): Tool<TurnContext>[] {
  const example = options.orderIdExample ?? 'the number in the order confirmation';
  const badOrderNumber = `That is not a valid order number; ask the customer for it (format ${example}).`;
  const intents = Object.keys(agent.tickets).filter((intent) => !options.approvalIntents.has(intent));
  const approvals = agent.tools.includes('create_ticket') ? Object.keys(agent.tickets).filter((intent) => options.approvalIntents.has(intent)) : [];
  const build: Record<ToolName, () => Tool<TurnContext>> = {
    search_knowledge: () =>
      tool({
        name: 'search_knowledge',
        description:
          'Search the public help-centre articles of the store. Returns the best matching passages (a section of an article, with its title and heading); quote the one that answers.',
        parameters: z.object({ query: z.string().min(1).describe('What to look for, in a few words') }),
        async execute({ query }, ctx: Ctx) {
          const t = turn(ctx);
          const hits = await t.input.tools.searchPassages(query, 4);
          t.evidence += hits.length;
          t.publicText.push(...hits.map((h) => h.passage.text));
          if (hits.length === 0) return { passages: [], note: `Nothing found. Do not guess; transfer to ${options.fallbackAgent ?? 'a person'} if you cannot answer.` };
          return { passages: hits.map(({ passage: p }) => ({ title: p.title, heading: p.heading, text: p.text, slug: p.slug })) };
        },
      }),

    lookup_order: () =>
      tool({
        name: 'lookup_order',
        description:
          `Look up one order of the customer by its order number (for example ${example}). Details come back only when the customer ` +
          'is verified for the order; otherwise ask for the email address used for the order and call verify_order_email.',
        parameters: z.object({ orderId: z.string().min(1) }),
        async execute({ orderId }, ctx: Ctx) {
          const t = turn(ctx);
          const id = options.normaliseOrderId(orderId);
          if (!id) return { found: false, note: badOrderNumber };
          const order = await t.input.tools.lookupOrder(id);
          // The same answer for someone else's order and for none at all: nothing leaks either way.
          if (!order || !(askerOwnsOrder(order, t.input.asker) || t.verification.verified.has(order.id))) {
            return { ...NEEDS_VERIFICATION, orderId: id };
          }
          t.ownOrders.set(order.id, order);
          t.evidence += 1;
          return { found: true, order: orderView(order) };
        },
      }),

    orders_for_email: () =>
      tool({
        name: 'orders_for_email',
        description: "List the orders placed with the customer's own email address.",
        parameters: z.object({ email: z.string().min(3) }),
        async execute({ email }, ctx: Ctx) {
          const t = turn(ctx);
          if (!askerProvesEmail(t.input.asker, email)) {
            return { error: 'Only an email address the customer has proven (the one they write from) can be searched. Ask for an order number instead.' };
          }
          const orders = await t.input.tools.ordersForEmail(normaliseEmail(email));
          for (const order of orders) t.ownOrders.set(order.id, order);
          t.evidence += orders.length;
          return { orders: orders.map(orderView) };
        },
      }),

    verify_order_email: () =>
      tool({
        name: 'verify_order_email',
        description:
          'The order number + email check: compares the email address the customer says they used for an order with the order. ' +
          'Call it with exactly what the customer wrote; never guess an email. Returns the order when it matches.',
        parameters: z.object({
          orderId: z.string().min(1).describe('The order number the customer gave'),
          email: z.string().min(1).max(320).describe('The email address the customer gave for that order'),
        }),
        async execute({ orderId, email }, ctx: Ctx) {
          const t = turn(ctx);
          const handOff = () => {
            t.handoff ??= { reason: 'order_verification_failed' };
            t.evidence += 1;
            return {
              verified: false,
              attemptsLeft: 0,
              instruction: 'Too many wrong email addresses: do not check again. Tell the customer a person from the team will help them with this order here.',
            };
          };
          const id = options.normaliseOrderId(orderId);
          if (!id) return { verified: false, note: badOrderNumber };
          if (!mayVerifyByTypedEmail(t.input.asker)) {
            return { verified: false, note: 'The customer writes from a proven email address: only orders placed with that address can be shown. Share nothing; ask them to write from the address they ordered with.' };
          }
          const order = await t.input.tools.lookupOrder(id);
          // Checked after the await, with nothing awaited until the count is updated: calls the model
          // makes in parallel cannot all slip under the limit.
          if (t.verification.failures >= MAX_EMAIL_ATTEMPTS) return handOff();
          if (order && emailMatchesOrder(order, email)) {
            t.verification.verified.add(order.id);
            t.ownOrders.set(order.id, order);
            t.evidence += 1;
            return { verified: true, order: orderView(order) };
          }
          // A wrong email and an unknown order look alike, so the check cannot probe for orders.
          t.verification.failures += 1;
          if (t.verification.failures >= MAX_EMAIL_ATTEMPTS) return handOff();
          return {
            verified: false,
            attemptsLeft: MAX_EMAIL_ATTEMPTS - t.verification.failures,
            note: 'The order number and email address do not match. Share nothing about the order; ask the customer to check both.',
          };
        },
      }),

    create_ticket: () =>
      tool({
        name: 'create_ticket',
        description:
          'Open a ticket for the support team when the request needs a person (see your instructions). ' +
          (approvals.length ? `For ${approvals.join(' and ')} use the tool of that name instead.` : 'Actions on orders and payments are never done by you: open a ticket and tell the customer a person will confirm.'),
        parameters: z.object({
          intent: z.enum(['other', ...intents]).describe('What the customer wants'),
          summary: z.string().min(1).max(500).describe('One or two sentences for the team'),
          orderId: z.string().nullable().describe('The order concerned, if any'),
        }),
        async execute({ intent, summary, orderId }, ctx: Ctx) {
          const t = turn(ctx);
          if (t.ticket) return { ticketId: t.ticket.id, note: 'A ticket is already open for this message.' };
          const rule = agent.tickets[intent];
          const id = newId();
          const order = orderId ? options.normaliseOrderId(orderId) : null;
          const text = `${order ? `[${order}] ` : ''}${summary}`.slice(0, 500);
          t.ticket = { id, category: rule?.category ?? 'other', priority: rule?.priority ?? 'normal', summary: text, status: 'open' };
          if (rule?.handoff) t.handoff = { reason: rule.category };
          t.evidence += 1;
          return { ticketId: id, status: 'open' };
        },
      }),

    handoff_to_human: () =>
      tool({
        name: 'handoff_to_human',
        description: 'Hand the conversation to a human agent, who will reply to the customer.',
        parameters: z.object({ reason: z.string().min(1).max(200) }),
        async execute({ reason }, ctx: Ctx) {
          const t = turn(ctx);
          t.handoff = { reason: reason.slice(0, 200) };
          t.evidence += 1;
          return { ok: true, instruction: 'Tell the customer a person will reply here soon.' };
        },
      }),
  };
  const custom = (name: string) => {
    const action = options.actions?.find((a) => a.name === name);
    // The graph schema already refused unknown tool names; this is a wiring mistake, not a deployment's.
    if (!action || !options.callAction) throw new Error(`agent ${agent.name} uses ${action ? 'the custom action' : 'the unknown tool'} ${name}${action ? ', but the engine got no callAction' : ''}`);
    return actionTool(action, options.callAction);
  };
  const isBuiltIn = (name: string): name is ToolName => (TOOL_NAMES as readonly string[]).includes(name);
  return [...agent.tools.map((name) => (isBuiltIn(name) ? build[name]() : custom(name))), ...approvals.map((intent) => approvalTool(agent, intent, options))];
}

/**
 * A refund or cancellation: the SDK pauses the run before it executes (needsApproval), Frontdesk
 * stores the paused run, and it only executes once a person approved it (see index.ts resume).
 */
function approvalTool(agent: AgentDefinition, intent: string, options: ToolOptions): Tool<TurnContext> {
  const what = agent.tickets[intent]?.category ?? intent.replace(/_/g, ' ');
  return tool({
    name: intent,
    description: `Carry out the customer's ${what} request (${intent.replace(/_/g, ' ')}). A member of the team must approve it first; call it once you know what the customer wants.`,
    parameters: z.object({
      orderId: z.string().nullable().describe('The order concerned, if any'),
      summary: z.string().min(1).max(500).describe('One or two sentences for the approving person'),
    }),
    needsApproval: true,
    async execute({ orderId, summary }, ctx: Ctx) {
      const t = turn(ctx);
      const action: ApprovedAction = { intent, orderId: orderId ? options.normaliseOrderId(orderId) : null, summary, conversationId: t.input.conversation.id };
      const outcome = (await options.onApproved?.(action)) ?? { note: 'A member of the team carries it out and confirms by email.' };
      t.performed.push(action);
      t.evidence += 1;
      return { status: 'approved', ...outcome };
    },
  });
}
