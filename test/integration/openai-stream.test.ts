/**
 * Streaming to the web widget: on the web channel the model engine runs with `stream: true`
 * (the fake server answers with SSE chunks), the pipeline publishes each piece of the answer as a
 * `delta` bus event, and the visitor's event stream carries them as `event: delta` before the
 * stored reply arrives as `event: message`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { agentGraph } from '../support/deployment.ts';
import { createAnswerStream } from '../../agents/engines/openai/answer-stream.ts';
import { createOpenAIEngine } from '../../agents/engines/openai/index.ts';
import { say, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.ts';
import { createTestFrontdesk } from '../support/frontdesk.ts';
import { readEvents } from '../support/sse.ts';

let fake: FakeOpenAI;
beforeAll(async () => (fake = await startFakeOpenAI()));
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function frontdesk() {
  const engine = createOpenAIEngine(
    { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 60_000, maxConcurrency: 4, tokenBudget: 50_000 },
    { graph: agentGraph, maxRetries: 0 },
  );
  return createTestFrontdesk({ engine, adapters: [] });
}

describe('streaming replies to the web widget', () => {
  it('sends the answer as delta events while the model writes it, then the stored message', async () => {
    const fd = await frontdesk();
    const answer = 'Your order NW-10001 left our warehouse yesterday and should arrive "soon".';
    fake.script(say.transfer('orders'), say.tool('lookup_order', { orderId: 'NW-10001' }), say.json({ answer, confidence: 0.9 }));
    const started = await fd.app.request('/v1/conversations', json({ email: 'maria.lopez@example.com' }));
    const { conversation, visitorToken } = (await started.json()) as { conversation: { id: string }; visitorToken: string };
    const stream = await fd.app.request(`/v1/conversations/${conversation.id}/events?token=${visitorToken}`);
    const events = readEvents(stream, (seen) => seen.some((e) => e.event === 'message' && e.data.includes('"direction":"outbound"')));
    const sent = await fd.app.request(`/v1/conversations/${conversation.id}/messages`, json({ text: 'Where is my order NW-10001?' }, { authorization: `Bearer ${visitorToken}` }));
    expect(sent.status).toBeLessThan(300);

    const seen = await events;
    expect(fake.requests.every((r) => r.stream === true)).toBe(true);
    const deltas = seen.filter((e) => e.event === 'delta').map((e) => JSON.parse(e.data) as { agent: string; text: string });
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => d.text).join('')).toBe(answer);
    expect(new Set(deltas.map((d) => d.agent))).toEqual(new Set(['orders']));
    const final = seen.findIndex((e) => e.event === 'message' && e.data.includes('"direction":"outbound"'));
    expect(seen.findLastIndex((e) => e.event === 'delta')).toBeLessThan(final);
    expect(JSON.parse(seen[final]!.data)).toMatchObject({ text: answer });
    expect(fake.unexpected).toBe(0);
    await fd.stop();
  });

  it('does not stream on other channels', async () => {
    const fd = await frontdesk();
    fake.script(say.transfer('orders'), say.json({ answer: 'Which order number is it? (format NW-12345)', confidence: 0.9 }));
    const deltas: unknown[] = [];
    fd.bus.subscribe('*', (event) => event.type === 'delta' && deltas.push(event));
    const received = await fd.pipeline.receive({
      channel: 'sms',
      from: { address: '+14155550100' },
      text: 'Where is my order?',
      providerMessageId: 'SM-stream-1',
      receivedAt: Date.now(),
      attachments: [],
    });
    expect(await received.reply).not.toBeNull();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.some((r) => r.stream)).toBe(false);
    expect(deltas).toHaveLength(0);
    await fd.stop();
  });
});

describe('createAnswerStream', () => {
  it('decodes the answer string out of JSON split anywhere, escapes included', () => {
    const raw = JSON.stringify({ answer: 'Line one\nsays "hi" \\ and caf\u00e9 \u2603', confidence: 0.8 }).replace('é', '\\u00e9');
    for (const size of [1, 2, 3, 7]) {
      const stream = createAnswerStream();
      let out = '';
      for (let i = 0; i < raw.length; i += size) out += stream.push(raw.slice(i, i + size));
      expect(out).toBe('Line one\nsays "hi" \\ and caf\u00e9 \u2603');
    }
  });
});
