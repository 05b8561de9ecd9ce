/**
 * A local server speaking the OpenAI chat completions wire format (POST /v1/chat/completions,
 * JSON or SSE `data:` chunks ending with `[DONE]`). Each test scripts what the "model" does, one
 * step per request: text, tool calls, handoffs (transfer_* tool calls), malformed arguments,
 * refusals, 429/500 errors, slow answers. The real `openai` client talks to it over HTTP.
 * The engine's model input check (recognised by its JSON schema name) has its own script and
 * request list, and answers `{"verdict":"ok"}` when nothing is scripted for it, so scripts for
 * the agent run stay as they are.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request body a chat completions call sends (the fields tests look at). */
export interface ChatRequest {
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[];
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: unknown } }[];
  stream?: boolean;
  response_format?: unknown;
  [key: string]: unknown;
}

/** One scripted answer. */
export interface FakeReply {
  /** HTTP status; non-2xx sends an OpenAI-style error body. */
  status?: number;
  headers?: Record<string, string>;
  /** Wait before answering (timeouts). */
  delayMs?: number;
  content?: string | null;
  refusal?: string | null;
  toolCalls?: { id?: string; name: string; arguments: string }[];
  error?: { message: string; type?: string; code?: string | null };
  usage?: { prompt_tokens: number; completion_tokens: number };
  /** Streaming only: send this many content chunks, then wait for `until` before the rest (a reply caught mid-stream). */
  pause?: { afterChunks: number; until: Promise<void> };
}

export type FakeStep = FakeReply | ((request: ChatRequest) => FakeReply | Promise<FakeReply>);

const DEFAULT_USAGE = { prompt_tokens: 100, completion_tokens: 20 };
let callCounter = 0;

/** Builders for scripted steps. */
export const say = {
  text: (content: string, usage = DEFAULT_USAGE): FakeReply => ({ content, usage }),
  /** A structured final answer (what an agent with a JSON output type returns). */
  json: (value: unknown, usage = DEFAULT_USAGE): FakeReply => ({ content: JSON.stringify(value), usage }),
  /** One or more tool calls; `arguments` may be a raw (even malformed) string. */
  tools: (...calls: { name: string; arguments: unknown }[]): FakeReply => ({
    toolCalls: calls.map((c) => ({
      id: `call_${++callCounter}`,
      name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
    })),
    usage: DEFAULT_USAGE,
  }),
  tool: (name: string, args: unknown = {}): FakeReply => say.tools({ name, arguments: args }),
  transfer: (agent: string): FakeReply => say.tool(`transfer_to_${agent}`, {}),
  refusal: (text: string): FakeReply => ({ content: null, refusal: text, usage: DEFAULT_USAGE }),
  error: (status: number, message = `fake error ${status}`, headers: Record<string, string> = {}): FakeReply => ({
    status,
    headers,
    error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'server_error' },
  }),
  slow: (delayMs: number, reply: FakeReply): FakeReply => ({ ...reply, delayMs }),
};

export interface FakeOpenAI {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  /** Every request received, in order. */
  requests: ChatRequest[];
  /** Requests that found no scripted step left (answered 400); a test expecting none asserts 0. */
  unexpected: number;
  /** Appends steps to the script. */
  script(...steps: FakeStep[]): void;
  /** Steps not consumed yet. */
  remaining(): number;
  /** Input check requests received, in order (not in `requests`). */
  guardrailRequests: ChatRequest[];
  /** Appends answers for input check requests; once used up, the check hears "ok". */
  scriptGuardrail(...steps: FakeStep[]): void;
  /** Drops the scripts and the recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const steps: FakeStep[] = [];
  const requests: ChatRequest[] = [];
  const guardrailSteps: FakeStep[] = [];
  const guardrailRequests: ChatRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state = { unexpected: 0 };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, { message: String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return sendError(res, 404, { message: `fake-openai: no route ${req.method} ${req.url}`, type: 'invalid_request_error' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
    const isCheck = isInputCheck(body);
    (isCheck ? guardrailRequests : requests).push(body);
    const step = isCheck ? (guardrailSteps.shift() ?? say.json({ verdict: 'ok', reason: 'default' })) : steps.shift();
    if (!step) {
      state.unexpected += 1;
      return sendError(res, 400, { message: 'fake-openai: script exhausted', type: 'invalid_request_error' });
    }
    const reply = typeof step === 'function' ? await step(body) : step;
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), reply.delayMs);
        timers.add(timer);
        // A client that gave up (timeout) closes the socket; stop waiting for it.
        res.on('close', () => (clearTimeout(timer), timers.delete(timer), resolve()));
      });
      if (res.destroyed) return;
    }
    const status = reply.status ?? 200;
    if (status >= 300) return sendError(res, status, reply.error ?? { message: `fake ${status}` }, reply.headers);
    return body.stream ? await sendStream(res, body, reply) : sendJson(res, body, reply);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get unexpected() {
      return state.unexpected;
    },
    guardrailRequests,
    script: (...more) => void steps.push(...more),
    scriptGuardrail: (...more) => void guardrailSteps.push(...more),
    remaining: () => steps.length,
    reset() {
      steps.length = 0;
      requests.length = 0;
      guardrailSteps.length = 0;
      guardrailRequests.length = 0;
      state.unexpected = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isInputCheck(body: ChatRequest): boolean {
  const format = body.response_format as { json_schema?: { name?: string } } | undefined;
  return format?.json_schema?.name === 'input_guardrail';
}

function sendError(res: ServerResponse, status: number, error: FakeReply['error'] & object, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ error: { type: 'server_error', code: null, param: null, ...error } }));
}

function completionMessage(reply: FakeReply) {
  return {
    role: 'assistant',
    content: reply.content ?? null,
    refusal: reply.refusal ?? null,
    ...(reply.toolCalls?.length
      ? { tool_calls: reply.toolCalls.map((c) => ({ id: c.id ?? `call_${++callCounter}`, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
      : {}),
  };
}

function usageOf(reply: FakeReply) {
  const usage = reply.usage ?? DEFAULT_USAGE;
  return { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens };
}

function sendJson(res: ServerResponse, request: ChatRequest, reply: FakeReply) {
  const body = {
    id: `chatcmpl-${++callCounter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [{ index: 0, message: completionMessage(reply), logprobs: null, finish_reason: reply.toolCalls?.length ? 'tool_calls' : 'stop' }],
    usage: usageOf(reply),
  };
  res.writeHead(200, { 'content-type': 'application/json', ...reply.headers });
  res.end(JSON.stringify(body));
}

/** Streams the reply as the API does: a role delta, content in small pieces, tool call deltas, finish, usage. */
async function sendStream(res: ServerResponse, request: ChatRequest, reply: FakeReply) {
  const id = `chatcmpl-${++callCounter}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null = null, extra: object = {}) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers });
  res.write(chunk({ role: 'assistant', content: '' }));
  const pieces = reply.content?.match(/\S+\s*|\s+/g) ?? [];
  for (const [index, piece] of pieces.entries()) {
    if (reply.pause && index === reply.pause.afterChunks) await reply.pause.until;
    res.write(chunk({ content: piece }));
  }
  if (reply.refusal) res.write(chunk({ refusal: reply.refusal }));
  reply.toolCalls?.forEach((call, index) => {
    const callId = call.id ?? `call_${++callCounter}`;
    res.write(chunk({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }));
    const half = Math.ceil(call.arguments.length / 2);
    for (const part of [call.arguments.slice(0, half), call.arguments.slice(half)]) {
      if (part) res.write(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  res.write(chunk({}, reply.toolCalls?.length ? 'tool_calls' : 'stop'));
  const options = request.stream_options as { include_usage?: boolean } | undefined;
  if (options?.include_usage) {
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [], usage: usageOf(reply) })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}
