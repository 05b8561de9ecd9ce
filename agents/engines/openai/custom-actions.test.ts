/**
 * The bike shop's custom actions (test/fixtures/deployments/bike-shop/agents.yaml) run by the model
 * engine: the real `openai` client talks to the local chat-completions server, which plays the
 * model's tool calls; the actions call a local server speaking the shop's API.
 */
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActionCaller } from '../../../adapters/actions/http.ts';
import { loadDeployment } from '../../../config/deployment/index.ts';
import type { AgentRunInput, AgentTools } from '../../../src/core/ports.ts';
import { createLogger } from '../../../src/entry/logger.ts';
import { BIKE_SHOP_DIR } from '../../../test/support/deployment.ts';
import { say, startFakeOpenAI, type ChatRequest, type FakeOpenAI } from '../../../test/support/fake-openai.ts';
import { scriptedEngine } from '../../../test/support/frontdesk.ts';
import { sendJson, startLocalHttp, type LocalHttpServer, type RecordedRequest } from '../../../test/support/local-http.ts';
import { createOpenAIEngine } from './index.ts';
import { createModelRouter } from './route-eval.ts';

const TOKEN = 'bk_live_7f3a9c2e51d04b68';
const bikeShop = loadDeployment(BIKE_SHOP_DIR);

let fake: FakeOpenAI;
let api: LocalHttpServer;
let answer: (req: RecordedRequest, res: ServerResponse) => void;
beforeAll(async () => {
  fake = await startFakeOpenAI();
  api = await startLocalHttp((req, res) => answer(req, res));
});
afterAll(async () => {
  await fake.close();
  await api.close();
});
beforeEach(() => fake.reset());
afterEach(() => void (api.requests.length = 0));

const tools: AgentTools = { searchKnowledge: async () => [], searchPassages: async () => [], lookupOrder: async () => null, ordersForEmail: async () => [] };

function input(text: string, agentState: Record<string, unknown> | null, asker = { emails: ['maria@example.com'], phones: [] as string[] }): AgentRunInput {
  const now = Date.now();
  return {
    conversation: { id: `c-${Math.random()}`, contactId: 'k1', channel: 'email', threadKey: null, status: 'open', owner: 'bot', currentAgent: null, route: null, assigneeId: null, subject: null, agentState, visitorTokenHash: null, firstResponseAt: null, firstHumanResponseAt: null, resolvedAt: null, lastMessageAt: now, createdAt: now, updatedAt: now },
    contact: { id: 'k1', name: 'Maria', email: 'maria@example.com', createdAt: now, updatedAt: now },
    message: { id: 'm1', conversationId: 'c', channel: 'email', direction: 'inbound', authorKind: 'contact', authorId: null, text, original: null, html: null, subject: null, internal: false, agentName: null, route: null, confidence: null, providerMessageId: null, deliveryStatus: 'received', agentStatus: 'pending', attempts: 0, error: null, meta: null, createdAt: now },
    history: [],
    tools,
    asker,
  };
}

/** The engine on the bike shop's graph, its actions pointed at the local API; `log` collects every log line. */
function engine() {
  const graph = { ...bikeShop.graph, actions: bikeShop.graph.actions.map((a) => ({ ...a, url: a.url.replace('https://api.spokeandchain.example', api.url), timeoutMs: 300 })) };
  const lines: string[] = [];
  const logger = createLogger('info', new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const fallback = scriptedEngine(() => ({ agent: 'faq', route: 'faq', confidence: 0.7, text: 'from the local engine', state: null }));
  const e = createOpenAIEngine(
    { apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 5_000, maxConcurrency: 2, tokenBudget: 50_000 },
    { graph, fallback, maxRetries: 0, logger, callAction: createActionCaller(graph.actions, { secret: (name) => (name === 'BIKE_SHOP_API_TOKEN' ? TOKEN : undefined), logger, sleep: async () => undefined }) },
  );
  return { engine: e, log: () => lines.join('') };
}

/** The last tool output the model was sent. */
const toolOutput = (request: ChatRequest) => String(request.messages.filter((m) => m.role === 'tool').at(-1)?.content);

const warranty = { serial: 'WTU123A4567B', model: 'Gravel 2', covered: true, coverage: { frame_until: '2031-04-02' }, owner: { email: 'someone@else.example' } };

describe('custom actions in the model engine', () => {
  it('offers the action as a tool, calls the shop’s API and answers from the returned fields only', async () => {
    answer = (req, res) => (req.headers.authorization === `Bearer ${TOKEN}` ? sendJson(res, 200, warranty) : sendJson(res, 401, {}));
    const { engine: e, log } = engine();
    fake.script(say.tool('check_warranty', { serial: 'WTU123A4567B' }), (request) => {
      expect(JSON.parse(toolOutput(request))).toEqual({ found: true, result: { model: 'Gravel 2', covered: true, 'coverage.frame_until': '2031-04-02' } });
      return say.json({ answer: 'Your Gravel 2 frame is under warranty until 2 April 2031.', confidence: 0.9 });
    });
    const result = await e.run(input('Is my frame WTU123A4567B still under warranty?', { agent: 'workshop' }));
    expect(result).toMatchObject({ agent: 'workshop', route: 'repairs', text: 'Your Gravel 2 frame is under warranty until 2 April 2031.', confidence: 0.9 });
    const offered = fake.requests[0]!.tools!.find((t) => t.function.name === 'check_warranty')!;
    expect(offered.function.parameters).toMatchObject({ type: 'object', properties: { serial: { type: 'string', pattern: '^[A-Za-z0-9]{8,14}$' } }, required: ['serial'] });
    expect(fake.requests[0]!.tools!.map((t) => t.function.name)).toEqual(expect.arrayContaining(['search_knowledge', 'create_ticket', 'check_warranty', 'book_repair']));
    expect(api.requests.map((r) => r.url)).toEqual(['/v1/warranty/WTU123A4567B']);
    // The credentials go to the shop's API only: not to the model, not into the trace, not into the log.
    const everything = JSON.stringify([fake.requests, result]) + log();
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain('someone@else.example');
    expect(result.trace).toContainEqual(expect.objectContaining({ kind: 'tool', name: 'check_warranty' }));
  });

  it('hands a wrong argument back to the model, which asks the customer, without calling the API', async () => {
    answer = (_req, res) => sendJson(res, 200, warranty);
    fake.script(say.tool('check_warranty', { serial: 'my blue bike' }), (request) => {
      expect(toolOutput(request)).toContain('Invalid arguments for check_warranty: serial');
      return say.json({ answer: 'Could you send me the serial number under the bottom bracket?', confidence: 0.9 });
    });
    const result = await engine().engine.run(input('is my blue bike under warranty', { agent: 'workshop' }));
    expect(result.text).toBe('Could you send me the serial number under the bottom bracket?');
    expect(api.requests).toHaveLength(0);
  });

  it.each([
    ['answers 500', (_req: RecordedRequest, res: ServerResponse) => sendJson(res, 500, { error: 'down' }), 'The warranty system could not be used right now', 3],
    ['answers an HTML page', (_req: RecordedRequest, res: ServerResponse) => (res.writeHead(200, { 'content-type': 'text/html' }), res.end('<html>maintenance</html>')), 'The warranty system could not be used right now', 1],
    ['never answers', () => undefined, 'The warranty system is not answering right now', 1],
  ])('tells the model the system is unavailable when it %s, and the customer hears it', async (_what, handler, message, attempts) => {
    answer = handler;
    const { engine: e, log } = engine();
    fake.script(say.tool('check_warranty', { serial: 'WTU123A4567B' }), (request) => {
      expect(toolOutput(request)).toContain(message);
      return say.json({ answer: 'Sorry, I can’t reach the warranty system right now. Shall I open a ticket for the workshop?', confidence: 0.8 });
    });
    const result = await e.run(input('Is WTU123A4567B under warranty?', { agent: 'workshop' }));
    expect(result.text).toMatch(/^Sorry, I can’t reach the warranty system/);
    expect(api.requests).toHaveLength(attempts);
    expect(fake.unexpected).toBe(0);
    expect(log()).toContain('"action":"check_warranty"');
    expect(log()).not.toContain(TOKEN);
  });

  it('pauses a booking until a person approves it; approved, it books with the customer’s proven email', async () => {
    answer = (_req, res) => sendJson(res, 201, { booking: { reference: 'WS-4471', drop_off: '2026-03-02T08:30' } });
    const { engine: e } = engine();
    fake.script(say.tool('book_repair', { service: 'brake_repair', preferred_date: '2026-03-02' }));
    const paused = await e.run(input('Please book my brakes in for 2 March', { agent: 'workshop' }));
    expect(paused.ticket).toMatchObject({ category: 'approval_required', status: 'open', summary: 'book repair: (service: brake_repair, preferred_date: 2026-03-02) Please book my brakes in for 2 March' });
    expect(paused.state).toMatchObject({ pendingApproval: { tool: 'book_repair', args: { service: 'brake_repair', preferred_date: '2026-03-02' } } });
    expect(paused.text).toMatch(/^I've passed your book repair request to our team\. A member of the team needs to approve it/);
    expect(api.requests).toHaveLength(0);

    fake.reset();
    fake.script((request) => {
      expect(JSON.parse(toolOutput(request))).toEqual({ found: true, result: { 'booking.reference': 'WS-4471', 'booking.drop_off': '2026-03-02T08:30' } });
      return say.json({ answer: 'You’re booked in: drop the bike off on 2 March at 8:30 (reference WS-4471).', confidence: 0.9 });
    });
    const pending = input('Please book my brakes in for 2 March', paused.state!);
    const done = await e.resume!({ ...pending, decision: { approve: true, userId: 'u1' } });
    expect(done.text).toBe('You’re booked in: drop the bike off on 2 March at 8:30 (reference WS-4471).');
    expect(done.state).not.toHaveProperty('pendingApproval');
    expect(api.requests).toHaveLength(1);
    expect(JSON.parse(api.requests[0]!.body)).toEqual({ service: 'brake_repair', date: '2026-03-02', contact: 'maria@example.com', channel: 'frontdesk' });
  });

  it('calls nothing when the person rejects the booking', async () => {
    answer = (_req, res) => sendJson(res, 201, { booking: { reference: 'WS-1' } });
    const { engine: e } = engine();
    fake.script(say.tool('book_repair', { service: 'full_service', preferred_date: '2026-03-09' }));
    const paused = await e.run(input('Full service on the 9th please', { agent: 'workshop' }));
    fake.reset();
    fake.script((request) => {
      expect(toolOutput(request)).toContain('declined');
      return say.json({ answer: 'Sorry, the workshop is fully booked that week.', confidence: 0.9 });
    });
    await e.resume!({ ...input('Full service on the 9th please', paused.state!), decision: { approve: false, note: 'fully booked', userId: 'u1' } });
    expect(api.requests).toHaveLength(0);
  });

  it('does not book for a customer who proved no email, and says why', async () => {
    answer = (_req, res) => sendJson(res, 201, { booking: { reference: 'WS-2' } });
    const { engine: e } = engine();
    fake.script(say.tool('book_repair', { service: 'full_service', preferred_date: '2026-03-09' }));
    const paused = await e.run(input('Full service on the 9th please', { agent: 'workshop' }, { emails: [], phones: [] }));
    fake.reset();
    fake.script((request) => {
      expect(toolOutput(request)).toContain('book_repair needs the customer\'s verified email');
      return say.json({ answer: 'I’ll pass this to the workshop so they can book you in.', confidence: 0.8 });
    });
    await e.resume!({ ...input('Full service on the 9th please', paused.state!, { emails: [], phones: [] }), decision: { approve: true, userId: 'u1' } });
    expect(api.requests).toHaveLength(0);
  });

  it('routes with the graph’s actions offered but never called (frontdesk eval routes --engine openai)', async () => {
    answer = (_req, res) => sendJson(res, 200, warranty);
    const router = createModelRouter({ apiKey: 'sk-test', baseUrl: fake.baseURL, model: 'gpt-test', timeoutMs: 5_000, maxConcurrency: 2, tokenBudget: 50_000 }, { graph: bikeShop.graph, maxRetries: 0 });
    fake.script(say.transfer('workshop'));
    expect(await router.route('is my frame under warranty?')).toMatchObject({ route: 'repairs', transferredTo: 'repairs' });
    expect(api.requests).toHaveLength(0);
  });
});
