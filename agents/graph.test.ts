import { describe, expect, it } from 'vitest';
import { agentGraph } from '../config/agents.ts';
import { defineAgentGraph } from './graph.ts';

describe('defineAgentGraph', () => {
  it('accepts the default graph', () => {
    expect(defineAgentGraph(agentGraph).triage.knowledgeRoute).toBe('faq');
  });
  it('lists every route no agent serves as it should', () => {
    const broken = { ...agentGraph, triage: { ...agentGraph.triage, fallbackRoute: 'nobody', knowledgeRoute: 'orders' } };
    expect(() => defineAgentGraph(broken)).toThrow(/fallback route nobody[\s\S]*no knowledge agent serves the knowledge route orders/);
  });
});
