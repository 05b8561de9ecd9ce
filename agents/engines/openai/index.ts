/**
 * The model-backed engine: the agent graph runs on any OpenAI-compatible model (chat
 * completions) through the @openai/agents runtime. Triage hands off to specialists with real
 * transfer tool calls; the last agent is remembered in the conversation state so the next message
 * resumes with it. Around the model: a rule-based input screen, then a model-based input check
 * (fails open), an output leak check, confidence
 * from self-assessment and evidence, approvals for refunds and cancellations, a token budget per
 * conversation, concurrency limits, and the embedded engine as fallback when the provider fails.
 */
import { ModelRefusalError, RunContext, RunState, Runner, type AgentInputItem, type Model, type RunToolApprovalItem } from '@openai/agents';
import type { AgentEngine, AgentRunInput, AgentRunResult, Logger, TraceStep } from '../../../src/core/ports.ts';
import { newId } from '../../../src/core/ids.ts';
import type { ActionCaller } from '../../actions.ts';
import { agentForRoute, renderTemplate, type AgentGraph } from '../../graph.ts';
import { buildAgents, type FinalAnswer, type GraphAgent, type Voice } from './agents.ts';
import { createModelClient, knownPrice, type OpenAIConfig } from './client.ts';
import { createAnswerStream } from './answer-stream.ts';
import { combineConfidence } from './confidence.ts';
import { checkOutput, screenInput, type InputVerdict } from './guardrails.ts';
import { createModelInputCheck } from './model-guardrail.ts';
import { createCircuitBreaker, createKeyedLock, createLimiter, isProviderError, limitModel } from './resilience.ts';
import { traceFromRun } from './trace.ts';
import { verificationFrom, verificationState, type ApprovedActionHandler, type TurnContext } from './tools.ts';
import { customerTextsOf, summarizeNeed } from '../../../src/core/ticket-summary.ts';

export type { OpenAIConfig } from './client.ts';
export type { ApprovedAction, ApprovedActionHandler } from './tools.ts';

/** A run paused on a refund or cancellation, kept in `conversation.agentState.pendingApproval`. */
export interface PendingApproval {
  /** The approval ticket's id. */
  id: string;
  tool: string;
  args: Record<string, unknown>;
  /** The agent that asked. */
  agent: string;
  /** The SDK run state (`RunState.toString()`), resumed once a person decides. */
  runState: string;
}

export interface OpenAIEngineDeps {
  graph: AgentGraph;
  /** Answers when the provider fails (the embedded engine); without it the error propagates. */
  fallback?: AgentEngine;
  /** Overrides the graph's threshold (CONFIDENCE_THRESHOLD). */
  confidenceThreshold?: number;
  /** Ticket intents that wait for a person's approval (default: the graph's `approvals`); each is a tool that pauses the run. */
  approvalIntents?: string[];
  /** How the company sounds (deployment.yaml brand): its name, tone and sign-off go into every agent's rules. */
  brand?: Voice;
  /** Carries out an approved refund or cancellation in the shop; without it the approving person does. */
  onApproved?: ApprovedActionHandler;
  /** Calls the graph's custom actions on the company's API (adapters/actions createActionCaller); required when an agent uses one. */
  callAction?: ActionCaller;
  /** Client retries on 429/5xx/connection errors (default 2). */
  maxRetries?: number;
  /** Model turns per message before giving up (default 10). */
  maxTurns?: number;
  /** Consecutive provider failures that open the circuit, and how long it stays open. */
  circuit?: { threshold: number; cooldownMs: number };
  /** A Model used instead of the provider client (another engine sharing this runtime). */
  model?: Model;
  /**
   * The model-based input check after the rule screen (default true): one small extra call per
   * message that catches subtle injection and exfiltration; it never blocks when it fails.
   */
  inputCheck?: boolean;
  logger?: Logger;
  now?: () => number;
}

/** A run restored from its serialised state. */
type PausedRun = Awaited<ReturnType<typeof RunState.fromStringWithContext<TurnContext, GraphAgent>>>;

const REFUSAL_TEXT =
  'I can only help with questions about your orders, your account and our store. Is there something along those lines I can do for you?';
const SECURITY_TEXT =
  "Thanks for your message. I can't help with that here, so I've passed it to our support team; a person will reply if needed.";
const SAFE_REPLY_TEXT = "Thanks for your message. I've passed it to our support team so a person can give you an accurate answer; they'll reply here soon.";

export function createOpenAIEngine(config: OpenAIConfig, deps: OpenAIEngineDeps): AgentEngine {
  const { graph } = deps;
  const now = deps.now ?? Date.now;
  const threshold = deps.confidenceThreshold ?? graph.triage.confidenceThreshold;
  const approvalIntents = new Set(deps.approvalIntents ?? graph.approvals);
  const orderIdPattern = new RegExp(graph.orderIdPattern, 'i');
  const normaliseMatch = (m: RegExpExecArray) => (m.length > 2 ? `${m[1]!.toUpperCase()}-${m[2]}` : m[0].toUpperCase());
  const normaliseOrderId = (text: string) => {
    const m = orderIdPattern.exec(text);
    return m ? normaliseMatch(m) : null;
  };

  const limiter = createLimiter(config.maxConcurrency);
  const model = limitModel(deps.model ?? createModelClient(config, { maxRetries: deps.maxRetries }).model, limiter);
  // No retries for the check: it fails open, so a slow retry would only delay the customer.
  const inputCheck =
    deps.inputCheck === false ? null : createModelInputCheck({ client: createModelClient(config, { maxRetries: 0 }).client, model: config.model, limit: (work) => limiter.run(work) });
  const fallbackAgent = agentForRoute(graph, graph.triage.fallbackRoute).name;
  const agents = buildAgents(graph, model, { normaliseOrderId, approvalIntents, onApproved: deps.onApproved, orderIdExample: graph.orderIdExample, fallbackAgent, actions: graph.actions, callAction: deps.callAction }, deps.brand);
  // Traces stay in Frontdesk (message meta); nothing is exported to the provider.
  const runner = new Runner({ tracingDisabled: true });
  const breaker = createCircuitBreaker({ threshold: deps.circuit?.threshold ?? 3, cooldownMs: deps.circuit?.cooldownMs ?? 30_000, now });
  const withLock = createKeyedLock();
  const price = knownPrice(config);
  const escalation = agentForRoute(graph, graph.triage.fallbackRoute);
  const routeOf = (agentName: string) => graph.agents.find((a) => a.name === agentName)?.route ?? graph.triage.fallbackRoute;

  /** Escalation without (more) model calls: a ticket, the escalation agent's reply, humans take over. */
  function escalate(input: AgentRunInput, reason: string, trace: TraceStep[], extra: Partial<AgentRunResult> = {}): AgentRunResult {
    const rule = escalation.tickets.unsure;
    const ticket = { id: newId(), category: reason, priority: rule?.priority ?? 'normal', summary: summarizeNeed({ category: reason, customerTexts: customerTextsOf(input) }), status: 'escalated' as const };
    trace.push({ kind: 'handoff', name: escalation.name, data: { reason }, at: now() });
    return {
      agent: escalation.name,
      route: escalation.route,
      confidence: 0,
      text: rule ? renderTemplate(rule.reply, { ticket_id: ticket.id, ticket_summary: ticket.summary }) : SAFE_REPLY_TEXT,
      ticket,
      handoff: { reason },
      trace,
      ...extra,
    };
  }

  function refuse(input: AgentRunInput, verdict: InputVerdict, trace: TraceStep[]): AgentRunResult {
    trace.push({ kind: 'guardrail', name: verdict.kind, data: { rule: verdict.rule, action: 'refused' }, at: now() });
    const base = { agent: graph.triage.name, route: graph.triage.fallbackRoute, confidence: 1, trace };
    if (verdict.kind === 'off_topic') return { ...base, text: REFUSAL_TEXT };
    // Flagged for review, but no handoff: a trick message should not buy a human's attention.
    return {
      ...base,
      text: SECURITY_TEXT,
      ticket: { id: newId(), category: 'security', priority: 'high', summary: `Possible prompt injection (${verdict.rule}): ${input.message.text.slice(0, 200)}`, status: 'open' },
    };
  }

  async function delegate(input: AgentRunInput, trace: TraceStep[], reason: string, error?: unknown): Promise<AgentRunResult> {
    const detail = error instanceof Error ? `${error.constructor.name}: ${error.message.slice(0, 200)}` : undefined;
    trace.push({ kind: 'model', name: 'fallback', data: { reason, error: detail ?? null, engine: deps.fallback?.name ?? null }, at: now() });
    deps.logger?.warn({ reason, error: detail, conversationId: input.conversation.id }, 'model engine falling back');
    if (!deps.fallback) throw error instanceof Error ? error : new Error(`model provider unavailable (${reason})`);
    const result = await deps.fallback.run(input);
    return { ...result, trace: [...trace, ...(result.trace ?? [])] };
  }

  function toItems(input: AgentRunInput): AgentInputItem[] {
    const items: AgentInputItem[] = [];
    for (const m of input.history) {
      if (m.authorKind === 'system' || !m.text.trim()) continue;
      items.push(m.direction === 'inbound' ? { role: 'user', content: m.text.slice(0, 4_000) } : { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: m.text.slice(0, 4_000) }] });
    }
    const subject = input.history.length === 0 && input.message.subject ? `Subject: ${input.message.subject}\n\n` : '';
    items.push({ role: 'user', content: `${subject}${input.message.text.slice(0, 8_000)}` });
    return items;
  }

  function startAgent(input: AgentRunInput): GraphAgent {
    const remembered = input.conversation.agentState?.agent ?? input.conversation.currentAgent;
    const agent = typeof remembered === 'string' ? agents.byName.get(remembered) : undefined;
    // After an escalation the conversation came back from humans: start fresh at triage.
    return agent && agent.name !== escalation.name ? agent : agents.triage;
  }

  /**
   * A run whose reply text is passed on as the model writes it (the web widget shows it growing).
   * Each model response starts a new answer; the finished result is the same as without streaming.
   */
  async function streamRun(start: GraphAgent, items: AgentInputItem[], turn: TurnContext, onDelta: NonNullable<AgentRunInput['onDelta']>) {
    const streamed = await runner.run(start, items, { context: turn, maxTurns: deps.maxTurns ?? 10, stream: true });
    let answer = createAnswerStream();
    for await (const event of streamed) {
      if (event.type !== 'raw_model_stream_event') continue;
      if (event.data.type === 'response_started') answer = createAnswerStream();
      if (event.data.type !== 'output_text_delta') continue;
      const text = answer.push(event.data.delta);
      if (text) onDelta(text, streamed.currentAgent?.name ?? start.name);
    }
    await streamed.completed;
    if (streamed.error) throw streamed.error;
    return streamed;
  }

  const newTurn = (input: AgentRunInput): TurnContext => ({
    input,
    ownOrders: new Map(),
    evidence: 0,
    publicText: [],
    ticket: null,
    handoff: null,
    performed: [],
    verification: verificationFrom(input.conversation.agentState),
  });

  /**
   * One model run, from the customer's message or from a paused run a person decided on. A failed
   * resume goes to humans rather than to the fallback engine: the fallback cannot continue the run.
   */
  async function runModel(
    input: AgentRunInput,
    trace: TraceStep[],
    tokensUsed: number,
    start: GraphAgent,
    turn: TurnContext,
    resumed: PausedRun | null = null,
  ): Promise<AgentRunResult> {
    let result;
    try {
      const onDelta = input.onDelta;
      if (resumed) result = await runner.run(start, resumed, { maxTurns: deps.maxTurns ?? 10 });
      else if (onDelta && input.conversation.channel === 'web') result = await streamRun(start, toItems(input), turn, onDelta);
      else result = await runner.run(start, toItems(input), { context: turn, maxTurns: deps.maxTurns ?? 10 });
      breaker.success();
    } catch (error) {
      if (error instanceof ModelRefusalError) {
        breaker.success();
        trace.push({ kind: 'guardrail', name: 'model_refusal', data: { refusal: error.refusal.slice(0, 200) }, at: now() });
        return escalate(input, 'model_refusal', trace);
      }
      if (isProviderError(error)) breaker.failure();
      if (resumed) {
        deps.logger?.warn({ err: error, conversationId: input.conversation.id }, 'resuming an approved run failed; handing off');
        return escalate(input, 'approval_resume_failed', trace, { state: withoutPending(input.conversation.agentState) });
      }
      return delegate(input, trace, isProviderError(error) ? 'provider_error' : 'model_error', error);
    }
    const usage = result.runContext.usage;
    trace.push(...traceFromRun(result.newItems, result.rawResponses, config.model, now()));
    const runUsage = {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      ...(price ? { costUsd: (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1e6 } : {}),
    };
    const last = (result.lastAgent ?? start) as GraphAgent;
    // A resumed run settles the pending approval; a new message meanwhile leaves it waiting.
    const previous = resumed ? withoutPending(input.conversation.agentState) : input.conversation.agentState;
    const state: Record<string, unknown> = {
      ...(previous ?? {}),
      agent: last.name,
      tokensUsed: tokensUsed + usage.totalTokens,
      // Orders proved with the order number + email check stay proved for the next message; wrong emails keep counting.
      orderVerification: verificationState(turn.verification),
    };
    const common = { usage: runUsage, state };
    if (result.interruptions.length > 0) return pause(input, result, last, trace, common);
    const final = result.finalOutput as FinalAnswer | undefined;

    const definition = graph.agents.find((a) => a.name === last.name);
    const confidence = combineConfidence({
      self: final?.confidence ?? 0,
      routed: last !== agents.triage,
      evidence: turn.evidence,
      needsEvidence: definition?.kind === 'knowledge' || definition?.kind === 'orders',
    });

    const violations = checkOutput(final?.answer ?? '', {
      contactEmail: input.contact.email,
      customerText: [input.message.text, ...input.history.filter((m) => m.direction === 'inbound').map((m) => m.text)].join('\n'),
      publicText: turn.publicText.join('\n'),
      ownOrderIds: new Set(turn.ownOrders.keys()),
      orderIdPattern,
      normaliseOrderId: normaliseMatch,
      instructions: agents.instructions,
    });
    if (violations.length > 0) {
      trace.push({ kind: 'guardrail', name: 'output_leak', data: { violations: violations.map((v) => v.kind), action: 'withheld' }, at: now() });
      return {
        ...escalate(input, 'output_guardrail', trace, common),
        text: SAFE_REPLY_TEXT,
        ticket: { id: newId(), category: 'security', priority: 'high', summary: `Reply withheld (${violations.map((v) => v.kind).join(', ')}): ${input.message.text.slice(0, 200)}`, status: 'escalated' },
        handoff: { reason: 'output_guardrail' },
      };
    }

    if (confidence < threshold && !turn.ticket && !turn.handoff) {
      trace.push({ kind: 'guardrail', name: 'low_confidence', data: { confidence, threshold }, at: now() });
      return { ...escalate(input, 'low_confidence', trace, common), confidence };
    }

    const text = final?.answer?.trim() || SAFE_REPLY_TEXT;
    const ticket = turn.ticket ? { ...turn.ticket } : null;
    let handoff = turn.handoff;
    if (confidence < threshold && !handoff) handoff = { reason: 'low_confidence' };
    if (ticket && handoff) ticket.status = 'escalated';
    return {
      agent: last === agents.triage ? escalation.name : last.name,
      route: last === agents.triage ? graph.triage.fallbackRoute : routeOf(last.name),
      confidence,
      text,
      ...(ticket ? { ticket } : {}),
      ...(handoff ? { handoff } : {}),
      trace,
      ...common,
    };
  }

  /**
   * The run stopped before a refund or cancellation: the paused run is kept in the conversation
   * state, an approval ticket is opened, and the customer hears that a person will confirm.
   */
  function pause(
    input: AgentRunInput,
    result: { interruptions: RunToolApprovalItem[]; state: { toString(): string } },
    last: GraphAgent,
    trace: TraceStep[],
    common: { usage: AgentRunResult['usage']; state: Record<string, unknown> },
  ): AgentRunResult {
    const item = result.interruptions[0]!;
    const tool = item.name ?? 'unknown';
    let args: Record<string, unknown> = {};
    try {
      args = JSON.parse(item.arguments ?? '{}') as Record<string, unknown>;
    } catch {
      // The SDK validated the arguments before asking for approval; unparsable ones only lose detail here.
    }
    // A custom action is described by its own name and arguments (a ticket rule of the same name is another thing).
    const action = graph.actions.find((a) => a.name === tool);
    const rule = action ? undefined : graph.agents.find((a) => a.name === last.name)?.tickets[tool];
    const orderId = typeof args.orderId === 'string' ? normaliseOrderId(args.orderId) : null;
    const id = newId();
    const what = rule?.category ?? tool.replace(/_/g, ' ');
    const detail = action ? `(${Object.entries(args).map(([k, v]) => `${k}: ${String(v)}`).join(', ')}) ${input.message.text}` : String(args.summary ?? input.message.text);
    const pending: PendingApproval = { id, tool, args, agent: last.name, runState: result.state.toString() };
    trace.push({ kind: 'guardrail', name: 'approval_required', data: { tool, arguments: args, ticketId: id }, at: now() });
    return {
      agent: last.name,
      route: routeOf(last.name),
      // The decision is a person's, not the model's.
      confidence: 1,
      text: `I've passed your ${what} request${orderId ? ` for order ${orderId}` : ''} to our team. A member of the team needs to approve it and will confirm with you here (ticket ${id}).`,
      ticket: {
        id,
        category: 'approval_required',
        priority: rule?.priority ?? 'high',
        summary: `${what}: ${orderId ? `[${orderId}] ` : ''}${detail}`.slice(0, 500),
        status: 'open',
      },
      trace,
      usage: common.usage,
      state: { ...common.state, pendingApproval: pending },
    };
  }

  return {
    name: 'openai',
    async resume(input) {
      const pending = pendingOf(input.conversation.agentState);
      if (!pending) throw new Error(`conversation ${input.conversation.id} has no pending approval`);
      const { decision } = input;
      const trace: TraceStep[] = [
        { kind: 'guardrail', name: decision.approve ? 'approved' : 'rejected', data: { tool: pending.tool, ticketId: pending.id, userId: decision.userId, note: decision.note ?? null }, at: now() },
      ];
      const used = input.conversation.agentState?.tokensUsed;
      const turn = newTurn(input);
      // The person's decision grounds the reply that reports it.
      turn.evidence += 1;
      const state = await RunState.fromStringWithContext<TurnContext, typeof agents.triage>(agents.triage, pending.runState, new RunContext(turn), { contextStrategy: 'replace' });
      const rejection = `A member of the team declined this request${decision.note ? `: ${decision.note}` : '.'} Nothing was done. Tell the customer politely, with the reason if one was given, and offer other help.`;
      for (const item of state.getInterruptions()) {
        if (decision.approve) state.approve(item);
        else state.reject(item, { message: rejection });
      }
      const start = agents.byName.get(pending.agent) ?? agents.triage;
      return withLock(input.conversation.id, () => runModel(input, trace, typeof used === 'number' ? used : 0, start, turn, state));
    },
    async run(input) {
      const trace: TraceStep[] = [];
      const verdict = screenInput(input.message.text);
      if (verdict) return refuse(input, verdict, trace);

      const used = input.conversation.agentState?.tokensUsed;
      const tokensUsed = typeof used === 'number' ? used : 0;
      if (tokensUsed >= config.tokenBudget) {
        trace.push({ kind: 'guardrail', name: 'token_budget', data: { tokensUsed, budget: config.tokenBudget }, at: now() });
        return escalate(input, 'token_budget', trace);
      }
      if (!breaker.allow()) return delegate(input, trace, 'circuit_open');
      if (inputCheck) {
        const subject = input.history.length === 0 && input.message.subject ? `Subject: ${input.message.subject}\n\n` : '';
        const checked = await inputCheck(`${subject}${input.message.text}`);
        if (checked.verdict) return refuse(input, checked.verdict, trace);
        if (checked.status === 'failed') {
          trace.push({ kind: 'guardrail', name: 'input_check_failed', data: { error: checked.detail ?? null, action: 'allowed' }, at: now() });
          deps.logger?.warn({ error: checked.detail, conversationId: input.conversation.id }, 'model input check failed; message allowed');
        }
      }
      const start = startAgent(input);
      if (start !== agents.triage) trace.push({ kind: 'triage', name: 'resume', data: { agent: start.name }, at: now() });
      return withLock(input.conversation.id, () => runModel(input, trace, tokensUsed, start, newTurn(input)));
    },
  };
}

function pendingOf(state: Record<string, unknown> | null): PendingApproval | null {
  const pending = state?.pendingApproval as PendingApproval | undefined;
  return pending && typeof pending.runState === 'string' ? pending : null;
}

function withoutPending(state: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!state) return state;
  const { pendingApproval: _settled, ...rest } = state;
  return rest;
}
