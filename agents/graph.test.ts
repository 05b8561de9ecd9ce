import { describe, expect, it } from 'vitest';
import { loadDeployment } from '../config/deployment/index.ts';
import { defineAgentGraph } from './graph.ts';

const agentGraph = loadDeployment().graph;

describe('defineAgentGraph', () => {
  it('accepts the default graph', () => {
    expect(defineAgentGraph(agentGraph).triage.knowledgeRoute).toBe('faq');
  });
  it('lists every route no agent serves as it should', () => {
    const broken = { ...agentGraph, triage: { ...agentGraph.triage, fallbackRoute: 'nobody', knowledgeRoute: 'orders' } };
    expect(() => defineAgentGraph(broken)).toThrow(/fallback route nobody[\s\S]*no knowledge agent serves the knowledge route orders/);
  });
  it('refuses what the engines could not run: an approval no agent tickets, an orders agent without its templates, a bad pattern', () => {
    const orders = agentGraph.agents.find((a) => a.kind === 'orders')!;
    const { ask_email: _dropped, ...templates } = orders.templates;
    const broken = {
      ...agentGraph,
      orderIdPattern: '(NW',
      approvals: ['refund_everything'],
      agents: agentGraph.agents.map((a) => (a === orders ? { ...a, templates, defaultIntent: 'get_refund' } : a)),
    };
    const error = (() => {
      try {
        defineAgentGraph(broken);
      } catch (e) {
        return String(e);
      }
      return '';
    })();
    expect(error).toMatch(/must be a valid regular expression/);
    expect(error).toMatch(/approval refund_everything is no agent's ticket intent/);
    expect(error).toMatch(/orders agent orders lacks templates: ask_email/);
    expect(error).toMatch(/default intent get_refund is not an intent of route orders/);
  });
});
