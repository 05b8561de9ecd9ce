/**
 * Slack's Web API over fetch: every method is `POST <base>/<method>` with a bot token and a JSON
 * body, answered `{ok, error?}`. @slack/web-api's client fails at run time in workerd, and
 * Frontdesk on Workers calls two methods (users.info, chat.postMessage); a 429 keeps its Retry-After.
 */
const SLACK_API = 'https://slack.com/api/';
const TIMEOUT_MS = 10_000;

/** A failed call: Slack's error code (`channel_not_found`), or `http_<status>` / `rate_limited` without one. */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Slack answered ${code}`);
  }
}

export function createSlackWebApi(config: { botToken: string; apiUrl: string | null }, fetchImpl: typeof fetch = fetch) {
  const base = (config.apiUrl ?? SLACK_API).replace(/\/?$/, '/');
  return async function call<T extends Record<string, unknown>>(method: string, args: Record<string, unknown>): Promise<T> {
    const response = await fetchImpl(`${base}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.botToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(args),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (response.status === 429) throw new SlackApiError('rate_limited', Number(response.headers.get('retry-after') ?? 1) * 1000);
    if (!response.ok) throw new SlackApiError(`http_${response.status}`);
    const body = (await response.json()) as T & { ok: boolean; error?: string };
    if (!body.ok) throw new SlackApiError(body.error ?? 'unknown_error');
    return body;
  };
}

export type SlackWebApi = ReturnType<typeof createSlackWebApi>;
