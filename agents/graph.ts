/**
 * The agent graph as data: a triage agent that routes, specialists that answer with tools, and
 * the handoffs between them. Engines (the embedded `local` one, a model-backed one) run the same
 * graph. The default deployment's graph lives in config/agents.ts.
 */
import { z } from 'zod';

export const TOOL_NAMES = ['search_knowledge', 'lookup_order', 'verify_order_email', 'orders_for_email', 'create_ticket', 'handoff_to_human'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

const TicketRule = z.object({
  category: z.string(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
  /** Reply sent when the ticket is opened ({{ticket_summary}}, {{order_id}} available). */
  reply: z.string(),
  /** Hand the conversation to humans too. */
  handoff: z.boolean().default(false),
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
  tools: z.array(z.enum(TOOL_NAMES)),
  /** Agents it may transfer to. */
  handoffs: z.array(z.string()).default([]),
  /** Intents that need a person: the agent opens a ticket instead of answering alone. */
  tickets: z.record(z.string(), TicketRule).default({}),
  /** Answer templates for the embedded engine; {{placeholders}} are filled from tool results. */
  templates: z.record(z.string(), z.string()).default({}),
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
    }),
    agents: z.array(AgentDefinition).min(1),
    /** Pattern of the shop's order ids (first capture group or whole match). */
    orderIdPattern: z.string(),
  })
  .superRefine((graph, ctx) => {
    const routes = new Set(graph.agents.map((a) => a.route));
    const names = new Set(graph.agents.map((a) => a.name));
    for (const [intent, route] of Object.entries(graph.triage.intents)) {
      if (!routes.has(route)) ctx.addIssue({ code: 'custom', message: `intent ${intent} routes to ${route}, which no agent serves` });
    }
    if (!routes.has(graph.triage.fallbackRoute)) ctx.addIssue({ code: 'custom', message: `no agent serves the fallback route ${graph.triage.fallbackRoute}` });
    const knowledge = graph.triage.knowledgeRoute;
    if (knowledge !== undefined && !graph.agents.some((a) => a.route === knowledge && a.kind === 'knowledge')) {
      ctx.addIssue({ code: 'custom', message: `no knowledge agent serves the knowledge route ${knowledge}` });
    }
    for (const agent of graph.agents) {
      for (const target of agent.handoffs) {
        if (!names.has(target)) ctx.addIssue({ code: 'custom', message: `${agent.name} hands off to unknown agent ${target}` });
      }
    }
  });
export type AgentGraph = z.infer<typeof AgentGraph>;

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
