/**
 * The agent graph as data: a triage agent that routes, specialists that answer with tools, and
 * the handoffs between them. Engines (the embedded `local` one, a model-backed one) run the same
 * graph. A deployment writes its graph in agents.yaml (config/deployment loads it; the demo's is
 * config/demo/agents.yaml).
 */
import { z } from 'zod';
import { CustomAction } from './actions.ts';

export const TOOL_NAMES = ['search_knowledge', 'lookup_order', 'verify_order_email', 'orders_for_email', 'create_ticket', 'handoff_to_human'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
const ORDER_STATUSES = ['processing', 'shipped', 'delivered', 'cancelled', 'returned'] as const;
/** Templates the embedded engine needs from an orders agent: the questions it asks and one answer per order status. */
export const REQUIRED_ORDER_TEMPLATES = ['ask_order_id', 'not_found', 'ask_email', 'email_mismatch', ...ORDER_STATUSES] as const;

const TicketRule = z.object({
  category: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
  /** Reply sent when the ticket is opened ({{ticket_summary}}, {{order_id}} available). */
  reply: z.string(),
  /** Hand the conversation to humans too. */
  handoff: z.boolean().default(false),
});

const CaseRule = z.object({
  /** Regular expressions (case-insensitive) on the customer's words; any one matching is the case. */
  patterns: z.array(z.string()).min(1),
  /** Order statuses the case applies to (all when empty): "never arrived" means another thing before delivery. */
  statuses: z.array(z.string()).default([]),
  /** What to look up in the knowledge base for the procedure ({{procedure}} in the reply). */
  search: z.string(),
  ticket: TicketRule,
  /**
   * The procedure's own waiting time ("wait 48 hours, then contact us"): within this many hours of
   * delivery the customer gets `waitReply` ({{procedure}}, order values) and no ticket yet.
   */
  waitHours: z.number().min(0).optional(),
  waitReply: z.string().optional(),
});

/** Replies for messages that are not requests, and for what the bot cannot answer. */
const ConversationReplies = z.object({
  greeting: z.string().default('Hi! How can I help you today?'),
  thanks: z.string().default("You're welcome! Is there anything else I can help with?"),
  goodbye: z.string().default('Thanks for getting in touch. Have a great day!'),
  acknowledgement: z.string().default('Great. Is there anything else I can help with?'),
  /** "Are you a bot?": say so, and that a person can take over. */
  bot_identity: z.string().default("I'm the virtual assistant. I can answer most questions right away, and a person from our team takes over whenever needed. How can I help?"),
  unclear: z.string().default("Sorry, I didn't quite get that. Could you tell me a bit more about what you need?"),
  empty: z.string().default('It looks like your message was empty. What can I help you with?'),
  /** The knowledge base has no answer: a person takes over ({{ticket_id}}). */
  unanswerable: z.string().default("I don't have a reliable answer to that, so I've passed your question to our support team (ticket {{ticket_id}}); a person will reply here soon."),
  /** A language the deployment does not answer in ({{language}}, {{ticket_id}}). */
  other_language: z.string().default("Thanks for your message. I can only answer in English, so I've passed it to our support team (ticket {{ticket_id}}); a person will reply as soon as possible."),
  /** Other questions in the same message that the answer does not cover. */
  also_noted: z.string().default('If you also need help with something else, just ask.'),
});

export const AgentDefinition = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  /** The route this agent serves; triage hands off to it. */
  route: z.string(),
  description: z.string(),
  /** Instructions for a model-backed engine. */
  instructions: z.string(),
  /** How the embedded engine runs it: answer from the knowledge base, look up orders, or hand to humans. */
  kind: z.enum(['knowledge', 'orders', 'handoff']),
  /** Built-in tools (TOOL_NAMES) and the deployment's custom actions (`actions`), by name. */
  tools: z.array(z.string()),
  /** Agents it may transfer to. */
  handoffs: z.array(z.string()).default([]),
  /** Intents that need a person: the agent opens a ticket instead of answering alone. */
  tickets: z.record(z.string(), TicketRule).default({}),
  /** Answer templates for the embedded engine; {{placeholders}} are filled from tool results. */
  templates: z.record(z.string(), z.string()).default({}),
  /** Intents this agent answers from the knowledge base although its kind is another (an orders agent asked how to order). */
  knowledgeIntents: z.array(z.string()).default([]),
  /**
   * Situations that need the knowledge base's procedure and a ticket rather than a status echo
   * (a parcel marked delivered that never came). The embedded engine recognises them by pattern.
   */
  cases: z.record(z.string(), CaseRule).default({}),
  /** Orders agent: the intent of an order question that named none of its own (a bare order number). */
  defaultIntent: z.string().optional(),
  /**
   * Orders agent: what cannot be done to an order in some statuses (cancelling a shipped order),
   * intent → the statuses and the template that says so instead of opening the intent's ticket.
   */
  refusals: z.record(z.string(), z.object({ statuses: z.array(z.enum(ORDER_STATUSES)).min(1), template: z.string() })).default({}),
});
export type AgentDefinition = z.infer<typeof AgentDefinition>;

export const AgentGraph = z
  .object({
    triage: z.object({
      name: z.string().default('triage'),
      instructions: z.string(),
      /** Below this calibrated confidence a message goes to the escalation agent. */
      confidenceThreshold: z.number().min(0).max(1).default(0.6),
      /** Classifier label (intent) → route. Labels missing here are out of scope. */
      intents: z.record(z.string(), z.string()),
      /** Extra training examples per intent, written for this deployment. */
      examples: z.record(z.string(), z.array(z.string())).default({}),
      /** The route for messages that are out of scope or below the threshold. */
      fallbackRoute: z.string(),
      /**
       * The route whose agent answers from the knowledge base. A message below the threshold that
       * an article clearly covers goes here instead of the fallback route.
       */
      knowledgeRoute: z.string().optional(),
      /** Languages (ISO 639-1) the deployment answers in; messages in others go to a person. */
      languages: z.array(z.string()).default(['en']),
      replies: ConversationReplies.default(ConversationReplies.parse({})),
    }),
    agents: z.array(AgentDefinition).min(1),
    /** Pattern of the shop's order ids (first capture group or whole match). */
    orderIdPattern: z.string().refine(isRegExp, 'must be a valid regular expression'),
    /** An order number as customers see it, for prompts and tool descriptions ("format NW-12345"). */
    orderIdExample: z.string().default('the number in the order confirmation'),
    /** Ticket intents a person must approve before the model engine carries them out (refunds, cancellations). */
    approvals: z.array(z.string()).default([]),
    /** HTTP calls to the company's API that agents may use as tools (agents/actions.ts; the model engine runs them). */
    actions: z.array(CustomAction).default([]),
  })
  .superRefine((graph, ctx) => {
    // Every issue carries the path of the offending key, so a YAML file can point at its line.
    const routes = new Set(graph.agents.map((a) => a.route));
    const names = new Set(graph.agents.map((a) => a.name));
    const served = [...routes].join(', ');
    for (const [intent, route] of Object.entries(graph.triage.intents)) {
      if (!routes.has(route)) ctx.addIssue({ code: 'custom', path: ['triage', 'intents', intent], message: `intent ${intent} routes to ${route}, which no agent serves (routes: ${served})` });
    }
    if (!routes.has(graph.triage.fallbackRoute)) ctx.addIssue({ code: 'custom', path: ['triage', 'fallbackRoute'], message: `no agent serves the fallback route ${graph.triage.fallbackRoute} (routes: ${served})` });
    const knowledge = graph.triage.knowledgeRoute;
    if (knowledge !== undefined && !graph.agents.some((a) => a.route === knowledge && a.kind === 'knowledge')) {
      ctx.addIssue({ code: 'custom', path: ['triage', 'knowledgeRoute'], message: `no knowledge agent serves the knowledge route ${knowledge}` });
    }
    const fallback = graph.agents.find((a) => a.route === graph.triage.fallbackRoute);
    if (fallback && !fallback.tickets.unsure) {
      ctx.addIssue({ code: 'custom', path: ['agents', graph.agents.indexOf(fallback), 'tickets'], message: `the fallback agent ${fallback.name} needs a ticket rule "unsure" (the reply when triage cannot place a message)` });
    }
    const ticketIntents = new Set(graph.agents.flatMap((a) => Object.keys(a.tickets)));
    graph.approvals.forEach((intent, i) => {
      if (!ticketIntents.has(intent)) ctx.addIssue({ code: 'custom', path: ['approvals', i], message: `approval ${intent} is no agent's ticket intent` });
    });
    const actionNames = new Set<string>();
    graph.actions.forEach((action, i) => {
      const clash = (TOOL_NAMES as readonly string[]).includes(action.name)
        ? 'a built-in tool'
        : action.name.startsWith('transfer_to_')
          ? 'a handoff tool (transfer_to_<agent>)'
          : graph.approvals.includes(action.name)
            ? 'an approval tool (approvals)'
            : actionNames.has(action.name)
              ? 'another action'
              : null;
      if (clash) ctx.addIssue({ code: 'custom', path: ['actions', i, 'name'], message: `${action.name} is already the name of ${clash}; pick another` });
      actionNames.add(action.name);
    });
    const toolList = `built-in: ${TOOL_NAMES.join(', ')}; actions: ${[...actionNames].join(', ') || 'none'}`;
    graph.agents.forEach((agent, i) => {
      agent.tools.forEach((name, j) => {
        if (!(TOOL_NAMES as readonly string[]).includes(name) && !actionNames.has(name)) {
          ctx.addIssue({ code: 'custom', path: ['agents', i, 'tools', j], message: `unknown tool ${name} (${toolList})` });
        }
      });
      agent.handoffs.forEach((target, j) => {
        if (!names.has(target)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'handoffs', j], message: `${agent.name} hands off to unknown agent ${target} (agents: ${[...names].join(', ')})` });
      });
      if (agent.kind === 'orders') {
        const missing = REQUIRED_ORDER_TEMPLATES.filter((t) => agent.templates[t] === undefined);
        if (missing.length) ctx.addIssue({ code: 'custom', path: ['agents', i, 'templates'], message: `orders agent ${agent.name} lacks templates: ${missing.join(', ')}` });
      }
      for (const [intent, refusal] of Object.entries(agent.refusals)) {
        if (agent.templates[refusal.template] === undefined) ctx.addIssue({ code: 'custom', path: ['agents', i, 'refusals', intent, 'template'], message: `no template ${refusal.template} in ${agent.name}'s templates` });
      }
      if (agent.defaultIntent !== undefined && graph.triage.intents[agent.defaultIntent] !== agent.route) {
        ctx.addIssue({ code: 'custom', path: ['agents', i, 'defaultIntent'], message: `default intent ${agent.defaultIntent} is not an intent of route ${agent.route}` });
      }
      for (const [name, rule] of Object.entries(agent.cases)) {
        rule.patterns.forEach((pattern, j) => {
          if (!isRegExp(pattern)) ctx.addIssue({ code: 'custom', path: ['agents', i, 'cases', name, 'patterns', j], message: 'must be a valid regular expression' });
        });
      }
    });
  });
export type AgentGraph = z.infer<typeof AgentGraph>;

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Validates a graph written as data; throws with every problem listed. */
export function defineAgentGraph(input: z.input<typeof AgentGraph>): AgentGraph {
  return AgentGraph.parse(input);
}

export function agentForRoute(graph: AgentGraph, route: string): AgentDefinition {
  return graph.agents.find((a) => a.route === route) ?? graph.agents.find((a) => a.route === graph.triage.fallbackRoute)!;
}

/** Fills {{name}} placeholders; unknown ones are left visible so a broken template shows. */
export function renderTemplate(template: string, values: Record<string, string | number | null | undefined>): string {
  return template.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => {
    const value = values[key];
    return value === undefined || value === null ? whole : String(value);
  });
}
