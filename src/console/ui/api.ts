/**
 * The console's calls to the staff API. The session cookie authenticates them; every change
 * also sends the CSRF header the server requires for cookie-authenticated mutations.
 */
import { useEffect, useRef } from 'preact/hooks';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Sends `body` as JSON, or as multipart/form-data when it is a FormData (files; the browser sets the boundary). */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const form = body instanceof FormData;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body === undefined || form ? {} : { 'content-type': 'application/json' }),
      ...(method === 'GET' ? {} : { 'x-frontdesk-csrf': '1' }),
    },
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  const data = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    if (response.status === 401 && !path.startsWith('/console/api/')) window.dispatchEvent(new Event('frontdesk:signed-out'));
    throw new ApiError(response.status, data?.error?.code ?? 'error', data?.error?.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

export interface LiveEvent {
  type: 'message' | 'conversation' | 'typing' | 'ticket';
  conversationId: string;
}

/**
 * Calls `onChange` (debounced) whenever the staff event stream reports something that `accept`
 * keeps; EventSource reconnects by itself, and each (re)connect triggers a refresh too, so
 * nothing missed while offline stays missing.
 */
export function useLive(accept: (event: LiveEvent) => boolean, onChange: (changed: Set<string> | null) => void, deps: unknown[]): void {
  const latest = useRef({ accept, onChange });
  latest.current = { accept, onChange };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The conversations changed since the last call; null after a reconnect (anything may have).
    let changed: Set<string> | null = new Set();
    const refresh = (conversationId?: string) => {
      if (conversationId === undefined) changed = null;
      else changed?.add(conversationId);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const batch = changed;
        changed = new Set();
        latest.current.onChange(batch);
      }, 150);
    };
    const source = new EventSource('/v1/events');
    let connectedOnce = false;
    source.addEventListener('ready', () => {
      if (connectedOnce) refresh();
      connectedOnce = true;
    });
    for (const type of ['message', 'conversation', 'ticket'] as const) {
      source.addEventListener(type, (event) => {
        try {
          const data = JSON.parse((event as MessageEvent<string>).data) as LiveEvent;
          if (latest.current.accept(data)) refresh(data.conversationId);
        } catch {
          // A malformed frame is ignored; the next one refreshes.
        }
      });
    }
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, deps);
}

export function formatTime(ms: number | null | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;
}

/** "3 min", "2 h", "5 d": how long ago, short enough for a list row (the full time is its title). */
export function timeAgo(ms: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return 'now';
  if (s < 3_600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3_600)} h`;
  if (s < 30 * 86_400) return `${Math.floor(s / 86_400)} d`;
  return new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}
