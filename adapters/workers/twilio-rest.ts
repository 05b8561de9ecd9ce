/**
 * The two calls of Twilio's Messages REST API that Frontdesk makes, over `fetch` (the twilio
 * SDK's HTTP client does not run in workerd): create a message, and list the messages sent to a
 * number since a time. Requests go to TWILIO_API_URL when set (tests, egress proxies).
 */
const TWILIO_API = 'https://api.twilio.com';
/** Twilio's own client waits this long; an unanswered send is retried by the outbox. */
const TIMEOUT_MS = 15_000;

/** Twilio's message resource, the fields Frontdesk reads (snake_case as Twilio sends them). */
export interface TwilioMessage {
  sid: string;
  status: string;
  direction: string;
  body: string | null;
  messaging_service_sid: string | null;
  date_created: string;
}

/** An answer other than 2xx: Twilio's error code when it sent one, and its Retry-After. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number | null,
    message: string,
    readonly retryAfter: string | null,
  ) {
    super(message);
  }
}

export interface TwilioRestConfig {
  accountSid: string;
  authToken: string;
  apiUrl: string | null;
}

export function createTwilioRest(config: TwilioRestConfig, fetchImpl: typeof fetch = fetch) {
  const messagesUrl = `${(config.apiUrl ?? TWILIO_API).replace(/\/$/, '')}/2010-04-01/Accounts/${config.accountSid}/Messages.json`;
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;

  /** Throws TwilioApiError on a non-2xx answer; network failures and timeouts throw as fetch does. */
  async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
    const response = await fetchImpl(url, { ...init, headers: { ...init.headers, authorization, accept: 'application/json' }, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    let error: { code?: unknown; message?: unknown } = {};
    try {
      error = JSON.parse(text) as typeof error;
    } catch {
      // Not Twilio's JSON (a proxy's error page): the status says enough.
    }
    const message = typeof error.message === 'string' ? error.message : text.slice(0, 300);
    throw new TwilioApiError(response.status, typeof error.code === 'number' ? error.code : null, message, response.headers.get('retry-after'));
  }

  return {
    /** POST Messages.json: `form` holds Twilio's parameter names (To, From or MessagingServiceSid, Body, MediaUrl, StatusCallback). */
    createMessage(form: URLSearchParams): Promise<TwilioMessage> {
      return call(messagesUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    },
    /** GET Messages.json, newest first, one page of up to 100: the messages to `to` sent after `sentAfter` (ISO 8601, as twilio-node sends it). */
    async listMessages(query: { to: string; from?: string; sentAfter: Date }): Promise<TwilioMessage[]> {
      const params = new URLSearchParams({ To: query.to, 'DateSent>': query.sentAfter.toISOString().replace(/\.\d{3}Z$/, 'Z'), PageSize: '100' });
      if (query.from) params.set('From', query.from);
      const page = await call<{ messages: TwilioMessage[] }>(`${messagesUrl}?${params}`);
      return page.messages;
    },
  };
}

export type TwilioRest = ReturnType<typeof createTwilioRest>;
