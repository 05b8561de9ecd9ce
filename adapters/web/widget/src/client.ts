/**
 * The visitor API over fetch and EventSource. The live stream resumes after the last message the
 * widget holds (?after=<id>), so a dropped connection loses nothing; the widget dedupes by id.
 */
import type { WidgetConversation, WidgetMessage } from './types.ts';

/** An API answer other than 2xx, with the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LiveHandlers {
  message(message: WidgetMessage): void;
  status(conversation: WidgetConversation): void;
  typing(agent: string | null): void;
  /** A piece of the bot's reply while it is written; the `message` with the whole reply follows. */
  delta(text: string, agent: string | null): void;
  connection(state: 'connecting' | 'live' | 'offline'): void;
}

export interface StartResult {
  conversation: WidgetConversation;
  visitorToken: string;
  message: WidgetMessage | null;
}

const MAX_BACKOFF_MS = 15_000;

export function createClient(apiUrl: string) {
  async function request<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'network', 'You seem to be offline. We will retry when the connection is back.');
    }
    const data = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    if (!response.ok) {
      throw new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? `The server answered ${response.status}.`);
    }
    return data as T;
  }

  return {
    start(body: { name?: string; email?: string; text?: string; userId?: string; userHash?: string }) {
      return request<StartResult>('POST', '/v1/conversations', null, body);
    },
    /** A signed-in customer's web conversations (same tokens on every device) and the open one to resume. */
    resume(userId: string, userHash: string) {
      type Resumable = { conversation: WidgetConversation; visitorToken: string };
      return request<{ conversations: Resumable[]; resume: Resumable | null }>('POST', '/v1/identity/conversations', null, { userId, userHash });
    },
    send(id: string, token: string, text: string, clientMessageId: string) {
      return request<{ message: WidgetMessage }>('POST', `/v1/conversations/${encodeURIComponent(id)}/messages`, token, { text, clientMessageId });
    },
    history(id: string, token: string) {
      return request<{ conversation: WidgetConversation; messages: WidgetMessage[] }>(
        'GET',
        `/v1/conversations/${encodeURIComponent(id)}/messages?limit=200`,
        token,
      );
    },
    handoff(id: string, token: string) {
      return request<{ message: WidgetMessage; reply: WidgetMessage | null }>('POST', `/v1/conversations/${encodeURIComponent(id)}/handoff`, token, {});
    },
    /** A file of the conversation, fetched with the token in a header (never in a URL that could leak). */
    async file(path: string, token: string): Promise<Blob> {
      const response = await fetch(`${apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
      if (!response?.ok) throw new ApiError(response?.status ?? 0, 'file', 'The file could not be opened.');
      return response.blob();
    },
    rate(id: string, token: string, rating: number, comment: string) {
      return request<unknown>('POST', `/v1/conversations/${encodeURIComponent(id)}/csat`, token, { rating, ...(comment ? { comment } : {}) });
    },

    /** Follows a conversation live until the returned function is called; reconnects with backoff. */
    follow(id: string, token: string, lastId: () => string | null, on: LiveHandlers): () => void {
      let source: EventSource | null = null;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let backoff = 1_000;
      let stopped = false;

      const parse = <T>(event: Event): T | null => {
        try {
          return JSON.parse((event as MessageEvent<string>).data) as T;
        } catch {
          return null;
        }
      };
      const connect = () => {
        clearTimeout(timer);
        source?.close();
        if (stopped) return;
        on.connection('connecting');
        const after = lastId();
        const url = `${apiUrl}/v1/conversations/${encodeURIComponent(id)}/events?token=${encodeURIComponent(token)}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const es = new EventSource(url);
        source = es;
        es.addEventListener('ready', () => {
          backoff = 1_000;
          on.connection('live');
        });
        es.addEventListener('message', (event) => {
          const message = parse<WidgetMessage>(event);
          if (message) on.message(message);
        });
        es.addEventListener('status', (event) => {
          const conversation = parse<WidgetConversation>(event);
          if (conversation) on.status(conversation);
        });
        es.addEventListener('typing', (event) => on.typing(parse<{ agent: string | null }>(event)?.agent ?? null));
        es.addEventListener('delta', (event) => {
          const piece = parse<{ agent: string | null; text: string }>(event);
          if (piece) on.delta(piece.text, piece.agent);
        });
        // The browser's own retry would resume from its Last-Event-ID only; ours resumes from the
        // newest message the widget holds, whichever way it arrived.
        es.onerror = () => {
          es.close();
          if (stopped || source !== es) return;
          on.connection('offline');
          timer = setTimeout(connect, backoff);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        };
      };
      const online = () => connect();
      window.addEventListener('online', online);
      connect();
      return () => {
        stopped = true;
        clearTimeout(timer);
        source?.close();
        window.removeEventListener('online', online);
      };
    },
  };
}

export type WidgetClient = ReturnType<typeof createClient>;
