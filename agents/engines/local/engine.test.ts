import { describe, expect, it } from 'vitest';
import { agentGraph } from '../../../config/agents.ts';
import type { AgentRunInput, AgentTools } from '../../../src/core/ports.ts';
import type { Conversation, KnowledgeHit, Message, Order } from '../../../src/core/types.ts';
import { cleanForTriage } from './clean-text.ts';
import { createLocalEngine } from './engine.ts';

const order: Order = {
  id: 'NW-10001', contactEmail: 'a@example.com', status: 'shipped', items: [{ sku: 'J1', name: 'Rain Jacket', quantity: 1, priceCents: 9900 }],
  totalCents: 9900, currency: 'USD', contactPhone: null, placedAt: 0, shippedAt: Date.UTC(2026, 10, 20), deliveredAt: null, carrier: 'UPS', trackingNumber: '1Z999', estimatedDelivery: Date.UTC(2026, 10, 25),
};
const article = (body: string): KnowledgeHit => ({ article: { id: 'a', slug: 'returns', title: 'Returns', body, tags: [], createdAt: 0, updatedAt: 0 }, score: 5 });

function input(text: string, agentState: Record<string, unknown> | null = null, hits: KnowledgeHit[] = []): AgentRunInput {
  const tools: AgentTools = {
    searchKnowledge: async () => hits,
    searchPassages: async () => [],
    lookupOrder: async (id) => (id === order.id ? order : null),
    ordersForEmail: async () => [],
  };
  return {
    conversation: { id: 'c', agentState } as Conversation,
    contact: { id: 'p', name: null, email: null, createdAt: 0, updatedAt: 0 },
    message: { text } as Message,
    history: [],
    tools,
  };
}

const engineSaying = (label: string, confidence = 0.95) => createLocalEngine({ graph: agentGraph, classify: () => ({ label, confidence }) });

describe('local engine', () => {
  it('answers an order question from the order system', async () => {
    const result = await engineSaying('track_order').run(input('where is NW 10001?'));
    expect(result).toMatchObject({ agent: 'orders', route: 'orders', confidence: 0.95 });
    expect(result.text).toContain('1Z999');
    expect(result.text).toContain('UPS');
  });

  it('asks for the order id, remembers why, and resumes with it', async () => {
    const engine = engineSaying('track_order');
    const first = await engine.run(input('where is my parcel'));
    expect(first.state).toEqual({ awaiting: 'order_id', intent: 'track_order' });
    const unknown = await engine.run(input('NW-99999', first.state!));
    expect(unknown.text).toContain("couldn't find an order NW-99999");
    const second = await createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'complaint', confidence: 0.9 }) }).run(input('it is nw-10001', first.state!));
    expect(second.agent).toBe('orders');
    expect(second.state).toBeNull();
  });

  it('refuses to cancel a shipped order and opens a ticket for one that can be', async () => {
    const shipped = await engineSaying('cancel_order').run(input('cancel NW-10001'));
    expect(shipped.text).toMatch(/already shipped/);
    expect(shipped.ticket).toBeUndefined();
  });

  it('escalates below the confidence threshold with a ticket and a handoff', async () => {
    const result = await engineSaying('track_order', 0.3).run(input('hmm'));
    expect(result.agent).toBe('escalation');
    expect(result.handoff).toBeDefined();
    expect(result.ticket).toMatchObject({ status: 'escalated', category: 'unrouted' });
    expect(result.text).toContain(result.ticket!.id!);
  });

  it('answers from the top article, cut at the next section', async () => {
    const hits = [article('Return within 30 days.\n\nFree return labels.\n\n**Exceptions**\n\nUnderwear cannot be returned.')];
    const result = await engineSaying('check_refund_policy').run(input('can I return this?', null, hits));
    expect(result.agent).toBe('faq');
    expect(result.text).toContain('Free return labels.');
    expect(result.text).not.toContain('Underwear');
  });

  it('sends an unconfident message to the knowledge route when an article clearly covers it', async () => {
    const hits = [article('We do not charge restocking fees on returns.')];
    const knowledge = (text: string) => (/restocking/.test(text) ? { strength: 0.9, slug: 'refund-policy' } : { strength: 0.4, slug: 'refund-policy' });
    const engine = (label: string) =>
      createLocalEngine({ graph: agentGraph, classify: () => ({ label, confidence: 0.4, scores: [{ label, p: 0.4 }, { label: 'check_refund_policy', p: 0.3 }] }), knowledge });
    const answered = await engine('get_refund').run(input('do you charge restocking fees on returns?', null, hits));
    expect(answered).toMatchObject({ agent: 'faq', route: 'faq', confidence: 0.3 });
    expect(answered.text).toContain('restocking fees');
    expect(answered.trace?.[0]?.data).toMatchObject({ route: 'faq', intent: 'article_match', article: 'refund-policy' });
    // a weak match, or a best guess that the customer wants a person, still goes to a person
    expect((await engine('get_refund').run(input('refund?', null, hits))).agent).toBe('escalation');
    expect((await engine('complaint').run(input('restocking fees are a scam, get me a manager', null, hits))).agent).toBe('escalation');
    // a confident decision is not second-guessed
    const confident = createLocalEngine({ graph: agentGraph, classify: () => ({ label: 'get_refund', confidence: 0.9 }), knowledge });
    expect((await confident.run(input('restocking fees refund', null, hits))).agent).toBe('billing');
  });

  it('hands off when the knowledge base has nothing', async () => {
    const result = await engineSaying('check_refund_policy').run(input('can I return this?'));
    expect(result.agent).toBe('escalation');
  });
});

describe('cleanForTriage', () => {
  it('keeps the new words of an email and drops greeting, quote and signature', () => {
    const email = 'Hi there,\n\nWhere is my order NW-10001?\n\nThanks,\nJane\n\nOn Mon, 23 Nov 2026 at 10:00, Support <support@example.com> wrote:\n> Your order shipped.';
    expect(cleanForTriage(email)).toBe('Where is my order NW-10001?');
  });

  it('never returns nothing', () => {
    expect(cleanForTriage('Hello!')).toBe('Hello!');
  });
});
