import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDeployment } from '../../../config/deployment/index.ts';
import type { AgentRunInput, AgentTools } from '../../../src/core/ports.ts';
import type { Order } from '../../../src/core/types.ts';
import { say, startFakeOpenAI, type FakeOpenAI } from '../../../test/support/fake-openai.ts';
import { scriptedEngine } from '../../../test/support/frontdesk.ts';
import { createOpenAIEngine } from './index.ts';

const agentGraph = loadDeployment().graph;

let fake: FakeOpenAI;
beforeAll(async () => (fake = await startFakeOpenAI()));
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const order = (id: string, email: string): Order => ({
  id, contactEmail: email, status: 'shipped', items: [{ sku: 'J1', name: 'Rain jacket', quantity: 1, priceCents: 9900 }], totalCents: 9900,
  contactPhone: null, currency: 'EUR', placedAt: 0, shippedAt: 0, deliveredAt: null, carrier: 'DHL', trackingNumber: 'TRK1', estimatedDelivery: null,
});
const orders = [order('NW-10001', 'maria@example.com'), order('NW-10002', 'james@example.com')];
const tools: AgentTools = {
  searchKnowledge: async () => [],
  searchPassages: async () => [],
  lookupOrder: async (id) => orders.find((o) => o.id === id) ?? null,
  ordersForEmail: async (email) => orders.filter((o) => o.contactEmail === email),
};

function input(text: string, agentState: Record<string, unknown> | null = null): AgentRunInput {
  const now = Date.now();
  return {
    conversation: { id: `c-${Math.random()}`, contactId: 'k1', channel: 'web', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null, subject: null, agentState, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: now, createdAt: now, updatedAt: now },
    contact: { id: 'k1', name: 'Maria', email: 'maria@example.com', createdAt: now, updatedAt: now },
    message: { id: 'm1', conversationId: 'c', channel: 'web', direction: 'inbound', authorKind: 'contact', authorId: null, text, original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null, deliveryStatus: 'received', agentStatus: 'pending', attempts: 0, error: null, meta: null, createdAt: now },
    history: [],
    tools,
    // What an email-channel sender proves: her own address.
    asker: { emails: ['maria@example.com'], phones: [] },
  };
}

const fallback = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.7, text: 'from the local engine', state: null }));
const engine = (extra: Partial<Parameters<typeof createOpenAIEngine>[1]> = {}, tokenBudget = 50_000) =>
  createOpenAIEngine(
    { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 2_000, maxConcurrency: 2, tokenBudget },
    { graph: agentGraph, fallback, maxRetries: 1, ...extra },
  );

describe('createOpenAIEngine', () => {
  it('skips the model input check when switched off', async () => {
    fake.script(say.json({ answer: 'Hello! What can I do for you?', confidence: 0.9 }));
    const result = await engine({ inputCheck: false }).run(input('hello', { agent: 'faq' }));
    expect(result.text).toBe('Hello! What can I do for you?');
    expect(fake.guardrailRequests).toHaveLength(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('hands malformed tool arguments back to the model, which retries', async () => {
    fake.script(say.tool('lookup_order', '{"orderId": NW-1'), say.tool('lookup_order', { orderId: 'nw 10001' }), say.json({ answer: 'NW-10001 shipped with DHL.', confidence: 0.9 }));
    const result = await engine().run(input('status of NW-10001?', { agent: 'orders' }));
    expect(result.text).toBe('NW-10001 shipped with DHL.');
    expect(result.confidence).toBe(0.9);
    expect(JSON.stringify(fake.requests[1]!.messages.at(-1))).toContain('error occurred while parsing tool arguments');
    expect(result.trace!.filter((s) => s.kind === 'tool')[0]!.data).toMatchObject({ arguments: { malformed: '{"orderId": NW-1' } });
  });

  it('retries a 429 with the provider’s backoff and answers', async () => {
    fake.script(say.error(429, 'slow down', { 'retry-after-ms': '10' }), say.json({ answer: 'Hello! What can I do for you?', confidence: 0.9 }));
    const result = await engine().run(input('hello', { agent: 'faq' }));
    expect(fake.requests).toHaveLength(2);
    expect(result.text).toBe('Hello! What can I do for you?');
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
  });

  it('hides other customers’ orders from the model and withholds a reply that leaks one', async () => {
    fake.script(say.tool('lookup_order', { orderId: 'NW-10002' }), say.json({ answer: 'NW-10003 belongs to james@example.com', confidence: 0.9 }));
    const result = await engine().run(input('where is NW-10002', { agent: 'orders' }));
    expect(JSON.stringify(fake.requests[1]!.messages.at(-1))).toContain('needsVerification');
    expect(JSON.stringify(fake.requests[1]!.messages)).not.toContain('james@example.com');
    expect(result.text).not.toContain('james');
    expect(result).toMatchObject({ ticket: { category: 'security', status: 'escalated' }, handoff: { reason: 'output_guardrail' } });
    expect(result.trace).toContainEqual(expect.objectContaining({ kind: 'guardrail', name: 'output_leak' }));
  });

  it('escalates below the confidence threshold', async () => {
    fake.script(say.json({ answer: 'Maybe on Tuesday?', confidence: 0.3 }));
    const result = await engine().run(input('when do you restock the blue socks', { agent: 'faq' }));
    expect(result).toMatchObject({ agent: 'escalation', handoff: { reason: 'low_confidence' }, ticket: { status: 'escalated', category: 'low_confidence' } });
  });

  it('hands off without a model call once the conversation spent its token budget', async () => {
    const result = await engine({}, 1_000).run(input('hello again', { agent: 'faq', tokensUsed: 1_200 }));
    expect(fake.requests).toHaveLength(0);
    expect(result.handoff).toEqual({ reason: 'token_budget' });
  });

  it('treats a model refusal as an escalation', async () => {
    fake.script(say.refusal('I cannot help with that.'));
    const result = await engine().run(input('hello', { agent: 'faq' }));
    expect(result.handoff).toEqual({ reason: 'model_refusal' });
  });

  it('stops calling a failing provider once the circuit opens', async () => {
    const e = engine({ maxRetries: 0, circuit: { threshold: 2, cooldownMs: 60_000 } });
    fake.script(say.error(503), say.error(503));
    await e.run(input('hi', { agent: 'faq' }));
    await e.run(input('hi', { agent: 'faq' }));
    const third = await e.run(input('hi', { agent: 'faq' }));
    expect(fake.requests).toHaveLength(2);
    expect(third.text).toBe('from the local engine');
    expect(third.trace![0]).toMatchObject({ kind: 'model', name: 'fallback', data: { reason: 'circuit_open' } });
  });
});

describe('fake OpenAI server', () => {
  it('streams SSE chunks the real client assembles, ending with [DONE]', async () => {
    fake.script(say.text('Hello there, friend'));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseURL });
    const stream = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: unknown = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe('Hello there, friend');
    expect(usage).toMatchObject({ total_tokens: 120 });
  });
});
