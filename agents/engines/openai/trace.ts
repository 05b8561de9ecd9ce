/**
 * Turns what the SDK run produced into Frontdesk trace steps, in order: each model response,
 * the agent that made it, its tool calls (with their results) and handoffs (the
 * `transfer_to_<name>` tool calls, with source and target agent).
 */
import type { ModelResponse, RunItem } from '@openai/agents';
import type { TraceStep } from '../../../src/core/ports.ts';

const MAX_TEXT = 300;

function clip(value: unknown): unknown {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function parseArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return { malformed: clip(raw) };
  }
}

export function traceFromRun(items: RunItem[], responses: ModelResponse[], modelName: string, at: number): TraceStep[] {
  const steps: TraceStep[] = [];
  const byCall = new Map<string, TraceStep>();
  const responsesById = new Map(responses.filter((r) => r.responseId).map((r) => [r.responseId!, r]));
  const seenResponses = new Set<string>();
  let currentAgent: string | null = null;

  const noteModel = (responseId: string | undefined, agent: string) => {
    if (agent !== currentAgent) {
      currentAgent = agent;
      steps.push({ kind: 'agent', name: agent, at });
    }
    if (!responseId || seenResponses.has(responseId)) return;
    seenResponses.add(responseId);
    const usage = responsesById.get(responseId)?.usage;
    steps.push({ kind: 'model', name: modelName, data: { agent, responseId, inputTokens: usage?.inputTokens ?? null, outputTokens: usage?.outputTokens ?? null }, at });
  };

  for (const item of items) {
    switch (item.type) {
      case 'tool_call_item':
      case 'handoff_call_item': {
        const raw = item.rawItem as { id?: string; name: string; callId: string; arguments: string };
        noteModel(raw.id, item.agent.name);
        const step: TraceStep = {
          kind: item.type === 'handoff_call_item' ? 'handoff' : 'tool',
          name: raw.name,
          data: { agent: item.agent.name, callId: raw.callId, arguments: parseArguments(raw.arguments) },
          at,
        };
        byCall.set(raw.callId, step);
        steps.push(step);
        break;
      }
      case 'tool_call_output_item': {
        const step = byCall.get((item.rawItem as { callId: string }).callId);
        if (step) step.data = { ...step.data, output: clip(item.output) };
        break;
      }
      case 'handoff_output_item': {
        const step = byCall.get(item.rawItem.callId);
        if (step) step.data = { ...step.data, from: item.sourceAgent.name, to: item.targetAgent.name };
        break;
      }
      case 'message_output_item':
        noteModel((item.rawItem as { id?: string }).id, item.agent.name);
        break;
      default:
        break;
    }
  }
  return steps;
}
