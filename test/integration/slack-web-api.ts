/**
 * A local server speaking the Slack Web API methods Frontdesk calls (form-encoded POST
 * /api/<method>, bearer token, `{ok: …}` JSON answers, 429 + Retry-After), so the real
 * WebClient runs against it through `slackApiUrl`. Also signs requests exactly as Slack does, and
 * speaks Socket Mode: apps.connections.open (app-level token only) hands out a ws:// URL of a
 * WebSocket server on the same port that greets with `hello`, sends envelopes and collects acks.
 * Files arrive by Slack's external upload flow: files.getUploadURLExternal hands out an upload_url
 * on this server, which takes the bytes (POST), and files.completeUploadExternal shares the
 * uploaded files (refusing ids it never received bytes for) in a channel or thread.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { slackSignature } from '../../adapters/slack/verify.ts';
import { type WebSocket, WebSocketServer } from 'ws';
import { ROOT } from '../support/paths.ts';
import type { AgentRunInput, AgentRunResult, ChannelAdapter, OutboundMessage, Pipeline } from '../../src/core/ports.ts';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** What the server answered. */
  result: unknown;
}

export interface SlackUserRecord {
  id: string;
  name: string;
  real_name?: string;
  is_bot?: boolean;
  profile: { real_name?: string; display_name?: string; email?: string };
}

export const BOT_USER_ID = 'U0LAN0Z89';

/** A file as Slack's side holds it: announced (getUploadURLExternal), its bytes once POSTed, where it was shared. */
export interface SlackFile {
  id: string;
  filename: string;
  length: number;
  bytes: Buffer | null;
  shared: { channel_id: string; thread_ts?: string; blocks?: unknown } | null;
}

/** What the client sent back for an envelope: `{envelope_id, payload?}`. */
export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** One Socket Mode connection as Slack's side sees it. */
export interface SocketPeer {
  /** Sends an envelope of `type` (a fresh envelope_id unless given); resolves with its ack. */
  deliver(type: 'events_api' | 'interactive' | 'slash_commands', payload: unknown, options?: { envelopeId?: string; retryAttempt?: number }): Promise<SocketAck>;
  /** Every ack received on this connection, in order. */
  acks: SocketAck[];
  /** Resolves with the close code once the connection is closed. */
  closed: Promise<number>;
}

export async function startSlackApi() {
  const calls: SlackCall[] = [];
  /** Resolved on each call that arrives. */
  const arrivals: (() => void)[] = [];
  const users = new Map<string, SlackUserRecord>();
  const scripted = new Map<string, { status: number; headers?: Record<string, string>; body: unknown }[]>();
  let seq = 0;
  /** Tickets of the ws:// URLs apps.connections.open handed out; a connection must bring one. */
  const tickets = new Set<string>();
  const peers: SocketPeer[] = [];
  const waiting: ((peer: SocketPeer) => void)[] = [];
  /** Connections no nextPeer() call has taken yet. */
  const unclaimed: SocketPeer[] = [];
  const files = new Map<string, SlackFile>();

  function answer(method: string, args: Record<string, unknown>, token: string | null): unknown {
    switch (method) {
      case 'apps.connections.open': {
        if (!token?.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        const ticket = randomUUID();
        tickets.add(ticket);
        return { ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=A0LAN0Z89` };
      }
      case 'auth.test':
        return { ok: true, url: 'https://northwind.slack.com/', team: 'Northwind', user: 'frontdesk', team_id: 'T123ABC456', user_id: BOT_USER_ID, bot_id: 'B0LAN0Z89' };
      case 'users.info': {
        const user = users.get(String(args.user));
        return user ? { ok: true, user } : { ok: false, error: 'user_not_found' };
      }
      case 'chat.postMessage': {
        seq += 1;
        const ts = `1700000${String(seq).padStart(3, '0')}.000100`;
        return { ok: true, channel: args.channel, ts, message: { type: 'message', text: args.text, ts, bot_id: 'B0LAN0Z89' } };
      }
      case 'files.getUploadURLExternal': {
        seq += 1;
        const id = `F0LAN${String(seq).padStart(6, '0')}`;
        files.set(id, { id, filename: String(args.filename), length: Number(args.length), bytes: null, shared: null });
        return { ok: true, upload_url: `http://127.0.0.1:${port}/upload/v1/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed = args.files as { id: string; title?: string }[];
        // Slack completes only files whose bytes arrived.
        if (!listed.every((f) => files.get(f.id)?.bytes)) return { ok: false, error: 'file_upload_incomplete' };
        for (const f of listed) files.get(f.id)!.shared = { channel_id: String(args.channel_id), thread_ts: args.thread_ts as string | undefined, blocks: args.blocks };
        return { ok: true, files: listed.map((f) => ({ id: f.id, title: f.title ?? files.get(f.id)!.filename })) };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: '1700009999.000100' };
      case 'reactions.add':
      case 'reactions.remove':
        return { ok: true };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const upload = /^\/upload\/v1\/(F\w+)$/.exec(req.url ?? '');
      if (upload) {
        void receiveUpload(files.get(upload[1]!), req.headers['content-type'], Buffer.concat(chunks)).then((length) => {
          res.writeHead(length === null ? 404 : 200, { 'content-type': 'text/plain' });
          res.end(length === null ? 'not found' : `OK - ${length}`);
        });
        return;
      }
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const raw = Buffer.concat(chunks).toString('utf8');
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      const args: Record<string, unknown> = isJson ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
      // The WebClient sends nested arguments (blocks) as JSON strings inside the form.
      for (const key of ['blocks', 'attachments', 'files']) if (typeof args[key] === 'string') args[key] = JSON.parse(args[key] as string);
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : null;
      const next = scripted.get(method)?.shift();
      const result = next ? next.body : answer(method, args, token);
      calls.push({ method, args, token, result });
      for (const arrived of arrivals.splice(0)) arrived();
      res.writeHead(next?.status ?? 200, { 'content-type': 'application/json', ...next?.headers });
      res.end(JSON.stringify(result));
    });
  });

  /** An upload_url takes the bytes raw or as a multipart form's file part (the WebClient sends the form); null for an unknown file. */
  async function receiveUpload(file: SlackFile | undefined, contentType: string | undefined, body: Buffer): Promise<number | null> {
    if (!file) return null;
    if (contentType?.startsWith('multipart/form-data')) {
      const form = await new Request('http://upload.local/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      file.bytes = part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
    } else {
      file.bytes = body;
    }
    return file.bytes.length;
  }

  function peerOf(ws: WebSocket): SocketPeer {
    const acks: SocketAck[] = [];
    const pending = new Map<string, (ack: SocketAck) => void>();
    ws.on('message', (data) => {
      const ack = JSON.parse(String(data)) as SocketAck;
      acks.push(ack);
      pending.get(ack.envelope_id)?.(ack);
      pending.delete(ack.envelope_id);
    });
    return {
      acks,
      closed: new Promise((resolve) => ws.once('close', (code) => resolve(code))),
      deliver(type, payload, options = {}) {
        const envelopeId = options.envelopeId ?? randomUUID();
        const acked = new Promise<SocketAck>((resolve) => pending.set(envelopeId, resolve));
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type !== 'events_api',
            ...(options.retryAttempt ? { retry_attempt: options.retryAttempt, retry_reason: 'timeout' } : {}),
          }),
        );
        return acked;
      },
    };
  }

  const sockets = new WebSocketServer({ server, path: '/link/' });
  sockets.on('connection', (ws, req) => {
    const ticket = new URL(req.url ?? '', 'http://local').searchParams.get('ticket');
    if (!ticket || !tickets.delete(ticket)) {
      ws.close(4001, 'invalid ticket');
      return;
    }
    const peer = peerOf(ws);
    peers.push(peer);
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-local', approximate_connection_time: 18060 }, connection_info: { app_id: 'A0LAN0Z89' } }));
    const waiter = waiting.shift();
    if (waiter) waiter(peer);
    else unclaimed.push(peer);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    users,
    /** Files announced, uploaded and shared, by id. */
    files,
    /** Calls of one method, in order. */
    of: (method: string) => calls.filter((c) => c.method === method),
    /** Resolves once `count` calls of `method` arrived (from another process, say). */
    async waitForCalls(method: string, count: number): Promise<void> {
      while (calls.filter((c) => c.method === method).length < count) await new Promise<void>((resolve) => arrivals.push(resolve));
    },
    /** The next call of `method` gets this answer instead of the normal one. */
    failNext(method: string, response: { status: number; headers?: Record<string, string>; body: unknown }) {
      scripted.set(method, [...(scripted.get(method) ?? []), response]);
    },
    /** Socket Mode connections opened so far. */
    peers,
    /** Resolves with the next Socket Mode connection (after `hello` was sent to it). */
    nextPeer(): Promise<SocketPeer> {
      const ready = unclaimed.shift();
      return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    reset() {
      calls.length = 0;
      unclaimed.length = 0;
      peers.length = 0;
      scripted.clear();
      files.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.terminate();
        sockets.close();
        server.close(() => resolve());
      }),
  };
}

export type SlackApi = Awaited<ReturnType<typeof startSlackApi>>;

/** A recorded payload from test/fixtures/slack. */
export function slackFixture<T = Record<string, unknown>>(name: string): T {
  const text = readFileSync(join(ROOT, 'test/fixtures/slack', name), 'utf8');
  return (name.endsWith('.json') ? JSON.parse(text) : text) as T;
}

/** Headers of a request signed the way Slack signs it, at `atMs` (default now). */
export function slackHeaders(secret: string, body: string, contentType: string, atMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(atMs / 1000));
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}

/** The workspace members the suites talk as: a colleague asking (Ada) and a support agent (Sam). */
export function addWorkspaceUsers(api: SlackApi): void {
  api.users.set('U061F7AUR', { id: 'U061F7AUR', name: 'ada', profile: { real_name: 'Ada Lovelace', email: 'ada@northwind.example' } });
  api.users.set('U0STAFF01', { id: 'U0STAFF01', name: 'sam', profile: { real_name: 'Sam Staff', email: 'sam@northwind.example' } });
}

/** A recording stand-in for the SMS channel, so desk replies to an SMS customer can be asserted. */
export function fakeSms(): ChannelAdapter & { sent: OutboundMessage[] } {
  const sent: OutboundMessage[] = [];
  return { kind: 'sms', sent, send: async (m) => (sent.push(m), { status: 'sent', providerMessageId: `SM${sent.length}` }) };
}

/** Scripted agents: a request for a human escalates with a ticket; anything else gets `answer(text)` from orders. */
export function deskReplies(answer: (text: string) => string) {
  return (input: AgentRunInput): AgentRunResult => {
    if (/human/i.test(input.message.text)) {
      return {
        agent: 'escalation',
        route: 'escalation',
        confidence: 0.31,
        text: 'I am passing you to a person now.',
        handoff: { reason: 'customer_asked_for_human' },
        ticket: { id: 'TK-ESC-1', category: 'other', priority: 'high', summary: 'Customer wants a person about a damaged parcel', status: 'escalated' },
      };
    }
    return { agent: 'orders', route: 'orders', confidence: 0.93, text: answer(input.message.text) };
  };
}

/**
 * An SMS customer asks for a person: the scripted agents escalate, the adapter posts the case to
 * the desk channel. Returns the conversation and the desk post (the parent of the case thread).
 */
export async function escalateSmsToDesk(
  fd: { pipeline: Pipeline },
  api: SlackApi,
  slack: { idle(): Promise<void> },
  desk: string,
  customer: string,
) {
  const first = await fd.pipeline.receive({
    channel: 'sms',
    from: { address: customer, name: 'Ada Customer' },
    to: '+15555550100',
    text: 'My parcel arrived crushed. I want to talk to a human',
    providerMessageId: 'SM0001',
    receivedAt: Date.now(),
    thread: { key: `${customer}:+15555550100` },
  });
  await first.reply;
  await slack.idle();
  const parent = api.of('chat.postMessage').find((c) => c.args.channel === desk)!;
  return { conversationId: first.conversation.id, parent, parentTs: (parent.result as { ts: string }).ts };
}
