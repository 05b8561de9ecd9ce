/**
 * A local server speaking the Slack Web API methods Frontdesk calls (form-encoded POST
 * /api/<method>, bearer token, `{ok: …}` JSON answers, 429 + Retry-After), so the real
 * WebClient runs against it through `slackApiUrl`. Also signs requests exactly as Slack does.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { slackSignature } from '../../adapters/slack/verify.ts';
import { ROOT } from '../support/paths.ts';

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

export async function startSlackApi() {
  const calls: SlackCall[] = [];
  const users = new Map<string, SlackUserRecord>();
  const scripted = new Map<string, { status: number; headers?: Record<string, string>; body: unknown }[]>();
  let seq = 0;

  function answer(method: string, args: Record<string, unknown>): unknown {
    switch (method) {
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
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const raw = Buffer.concat(chunks).toString('utf8');
      const isJson = (req.headers['content-type'] ?? '').includes('json');
      const args: Record<string, unknown> = isJson ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
      // The WebClient sends nested arguments (blocks) as JSON strings inside the form.
      for (const key of ['blocks', 'attachments']) if (typeof args[key] === 'string') args[key] = JSON.parse(args[key] as string);
      const auth = req.headers.authorization;
      const next = scripted.get(method)?.shift();
      const result = next ? next.body : answer(method, args);
      calls.push({ method, args, token: auth?.startsWith('Bearer ') ? auth.slice(7) : null, result });
      res.writeHead(next?.status ?? 200, { 'content-type': 'application/json', ...next?.headers });
      res.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    users,
    /** Calls of one method, in order. */
    of: (method: string) => calls.filter((c) => c.method === method),
    /** The next call of `method` gets this answer instead of the normal one. */
    failNext(method: string, response: { status: number; headers?: Record<string, string>; body: unknown }) {
      scripted.set(method, [...(scripted.get(method) ?? []), response]);
    },
    reset() {
      calls.length = 0;
      scripted.clear();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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
