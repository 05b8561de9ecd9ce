/**
 * The order specialist: finds which order a message is about, makes sure the asker may see it
 * (order-access.ts), then answers its status, follows the procedure of a case (a missing parcel,
 * with its waiting time), says what cannot be done in its status, or opens the ticket the intent
 * needs.
 */
import type { AgentRunInput, AgentRunResult } from '../../../src/core/ports.ts';
import { ANONYMOUS_ASKER, askerOwnsOrder, emailMatchesOrder, MAX_EMAIL_ATTEMPTS, mayVerifyByTypedEmail, normaliseEmail } from '../../../src/core/order-access.ts';
import type { Order } from '../../../src/core/types.ts';
import { renderTemplate } from '../../graph.ts';
import { cleanForTriage } from './clean-text.ts';
import { isQuestion } from './message-kind.ts';
import { CONFIDENT_REQUEST, type EngineContext, type Turn } from './engine-context.ts';
import { answered, findAnswer } from './knowledge-answers.ts';
import type { Memory } from './memory.ts';
import { handoff, result, ticketReply } from './replies.ts';

/** The customer speaks of an order of theirs ("the parcel" alone may be any parcel: "if the parcel is lost…"). */
const OWN_ORDER = /\b(my|our|this|that)\s+(orders?|packages?|parcels?|delivery|deliveries|purchases?|shipments?|items?|stuff)\b|\bwhere(?:'s| is)\s+(it|my)\b/i;
/** "Can you list the orders I have?", "show me my orders": the customer's own orders, whatever else the words suggest. */
const OWN_ORDERS_LISTED = /\b(list|show|see|view)\b.{0,20}\b(my|the|all) orders\b|\b(what|which) orders\b.{0,20}\b(i|me|my|mine)\b|\borders (i have|i've|i made|i placed|of mine)\b|\bmy order history\b/i;
export const asksForOwnOrders = (text: string) => OWN_ORDERS_LISTED.test(text);
/** Data only the order holds: asked for after an order was discussed, it is that order's ("send me the tracking number again"). */
const ORDER_DETAIL = /\btracking (number|no|code|link|info|details)\b|\b(carrier|courier)\b/i;
export const asksForOrderDetail = (text: string) => ORDER_DETAIL.test(text);
/** "What happens if … my order": a question about the rules, which the knowledge base answers without the order. */
const HYPOTHETICAL = /\b(what happens|what if|what would happen|in case|is it possible|are you able)\b|\bif (i|my|we|our)\b/i;
/** "What does Processing mean on my order status?": what a word means, not where their order is. */
const DEFINITION = /\bmean(s|t)?\b|\bstand for\b/i;
/** A question about where an order of theirs is or when it comes: only the order itself answers it. */
const ABOUT_ITS_PROGRESS =
  /\b(where(?:'s| is| are)|track|tracking|status|any (?:news|updates?|progress|word)|updates? on|when will|when (does|do|is|are) (it|they|my)|(shipped|arrived|dispatched|sent) (it |them )?yet|(not|n't|never|still) (arrived|come|came|here|shipped|turned up|received|got|showed up))\b/i;
/**
 * An order question: find which order, make sure the asker may see it (see order-access.ts),
 * then answer its status, follow the procedure of a case (a missing parcel), or open the ticket
 * the intent needs.
 */
export async function orderDesk(ctx: EngineContext, turn: Turn): Promise<AgentRunResult> {
  const { now, replies } = ctx;
  const { tools } = turn.input;
  const asker = turn.input.asker ?? ANONYMOUS_ASKER;
  const templates = turn.agent.templates;
  const memory = turn.memory;
  const intent = memory.awaiting && memory.pendingIntent ? memory.pendingIntent : turn.intent;
  let orderId = ctx.extractOrderId(turn.text) ?? memory.orderId ?? orderIdInHistory(ctx, turn.input);
  const topic = { route: turn.agent.route, intent, query: turn.query.slice(0, 500), slug: null };
  // run() has put an email in this message into the memory already.
  const typedEmail = memory.typedEmail;
  if (!orderId) {
    const caseFirst = memory.awaiting ? null : ctx.caseIn(turn.text);
    // A damaged or wrong item (a case whatever the order's status) told before its order number: its procedure now, the order next.
    const procedureCase = caseFirst && caseFirst.rule.statuses.length === 0 ? caseFirst : null;
    const listing = asksForOwnOrders(turn.text);
    const ownOrder = (OWN_ORDER.test(turn.text) || listing) && !HYPOTHETICAL.test(turn.text);
    if (ctx.mentionsMalformedOrderId(turn.text)) return result(turn, templates.ask_order_id!, { ...memory, topic, awaiting: 'order_id', pendingIntent: intent });
    // "How long does standard delivery take?" is about delivery, not about one order of theirs; "my
    // order says Processing, what does that mean?" is about theirs, but the rules answer it.
    const rulesAnswer = !ownOrder || (!listing && isQuestion(turn.text) && (!ABOUT_ITS_PROGRESS.test(turn.text) || DEFINITION.test(turn.text)));
    if (!memory.awaiting && rulesAnswer && !procedureCase) {
      const answer = await findAnswer(ctx, turn, turn.query);
      if (answer) return answered(turn, answer);
    }
    // Not about an order of theirs, no answer in the knowledge base, and triage unsure: a person decides.
    if (!memory.awaiting && !ownOrder && !caseFirst && turn.confidence < CONFIDENT_REQUEST) {
      return handoff(ctx, turn, 'unanswerable', replies.unanswerable);
    }
    // A customer who proved their email address need not look up an order number: their orders are known.
    const own = await ordersOfAsker(ctx, turn);
    if (own.length === 1) orderId = own[0]!.id;
    else if (own.length > 1 && templates.choose_order) {
      return result(turn, renderTemplate(templates.choose_order, { orders: own.map(orderLine).join('\n') }), { ...memory, topic, awaiting: 'order_id', pendingIntent: intent });
    } else {
      const procedure = procedureCase ? await findAnswer(ctx, turn, procedureCase.rule.search) : null;
      const ask = procedure ? `${procedure.text}\n\n${templates.ask_order_id!}` : templates.ask_order_id!;
      return result(turn, ask, { ...memory, topic, typedEmail, awaiting: 'order_id', pendingIntent: intent });
    }
  }
  const remembered: Memory = { ...memory, orderId, topic, typedEmail: null, pendingIntent: intent };
  const order = await tools.lookupOrder(orderId);
  turn.trace.push({ kind: 'tool', name: 'lookup_order', data: { orderId, found: order !== null }, at: now() });
  const values = order ? orderValues(order) : { order_id: orderId };

  const proven = order !== null && (askerOwnsOrder(order, asker) || memory.orderVerification.verified.includes(order.id));
  if (!proven) {
    // The same reply whether the order exists or not: nothing about other customers' orders leaks.
    if (!mayVerifyByTypedEmail(asker)) {
      return result(turn, renderTemplate(templates.not_found_for_you ?? templates.not_found!, { order_id: orderId }), { ...remembered, orderId: null, awaiting: 'order_id' });
    }
    const typed = typedEmail;
    if (!typed) return result(turn, renderTemplate(templates.ask_email!, { order_id: orderId }), { ...remembered, awaiting: 'order_email' });
    if (!order || !emailMatchesOrder(order, typed)) {
      const failures = memory.orderVerification.failures + 1;
      const orderVerification = { ...memory.orderVerification, failures };
      turn.trace.push({ kind: 'tool', name: 'verify_order_email', data: { orderId, verified: false, failures }, at: now() });
      if (failures >= MAX_EMAIL_ATTEMPTS) {
        return handoff(ctx, { ...turn, memory: { ...remembered, orderVerification } }, 'order_verification_failed', templates.verification_failed, { order_id: orderId });
      }
      return result(turn, renderTemplate(templates.email_mismatch!, { order_id: orderId }), { ...remembered, orderVerification, awaiting: 'order_email' });
    }
    turn.trace.push({ kind: 'tool', name: 'verify_order_email', data: { orderId, verified: true }, at: now() });
    remembered.orderVerification = { ...memory.orderVerification, verified: [...memory.orderVerification.verified, order.id] };
  }
  const verified: Memory = { ...remembered, awaiting: null };
  const orderTurn = { ...turn, memory: verified };

  // A case told before the order number (an answer to our question, or a follow-up naming the order) still holds.
  const continues = memory.awaiting !== null || turn.topicWords !== undefined;
  const found = ctx.caseIn(turn.text) ?? (continues ? ctx.caseIn(memory.topic?.query ?? '') : null);
  if (found && (found.rule.statuses.length === 0 || found.rule.statuses.includes(order!.status))) {
    const procedure = await findAnswer(ctx, orderTurn, found.rule.search);
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
  // A follow-up about the rules rather than this order's progress ("will I have to pay customs when
  // it arrives?") is answered from the knowledge base, not with the status said again.
  if (turn.topicWords !== undefined && isQuestion(turn.text) && !ABOUT_ITS_PROGRESS.test(turn.text) && !asksForOrderDetail(turn.text)) {
    const answer = await findAnswer(ctx, orderTurn, turn.text);
    if (answer) return answered(orderTurn, answer);
  }
  return result(orderTurn, renderTemplate(templates[order!.status]!, values), verified);
}

/** Most orders listed for a customer to choose from: the newest, as a shop's order page shows them. */
const LISTED_ORDERS = 5;

/** The orders placed with the email addresses the asker proved (newest first), for choosing without an order number. */
async function ordersOfAsker(ctx: EngineContext, turn: Turn): Promise<Order[]> {
  const emails = [...new Set((turn.input.asker ?? ANONYMOUS_ASKER).emails.map(normaliseEmail))];
  if (emails.length === 0) return [];
  const found = (await Promise.all(emails.map((email) => turn.input.tools.ordersForEmail(email)))).flat();
  turn.trace.push({ kind: 'tool', name: 'orders_for_email', data: { orders: found.length }, at: ctx.now() });
  return found.sort((a, b) => b.placedAt - a.placedAt).slice(0, LISTED_ORDERS);
}

/** One order in a list to choose from: its number, when it was placed, its status and first item. */
function orderLine(order: Order): string {
  const placed = new Date(order.placedAt).toUTCString().slice(5, 16);
  const first = order.items[0]?.name ?? '';
  const more = order.items.length > 1 ? ` and ${order.items.length - 1} more` : '';
  return `- ${order.id}, placed ${placed}: ${order.status}${first ? ` (${first}${more})` : ''}`;
}

/** An order number the customer gave earlier in the thread (an email follow-up quoting nothing new). */
function orderIdInHistory(ctx: EngineContext, input: AgentRunInput): string | null {
  for (const m of [...input.history].reverse()) {
    if (m.direction !== 'inbound') continue;
    const id = ctx.extractOrderId(cleanForTriage(m.text));
    if (id) return id;
  }
  return null;
}

/** The order's facts as template values ({{carrier}}, {{eta}}, …). */
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
