/**
 * One HTTP request to an order system with the policy every remote source shares: a timeout
 * (AbortSignal.timeout, covering the body too), retries with a short backoff after network errors,
 * 5xx and 429 (Retry-After honoured up to a cap), a body read as a stream up to a size limit, and
 * JSON only. Failures become OrderSourceError; 404 is an answer, not a failure. The custom actions
 * of agents.yaml (adapters/actions) call the company's API with the same policy and their own error.
 */
import { OrderSourceError } from '../../src/core/errors.ts';
import { readCapped, retryAfterMs } from '../../src/core/http-responses.ts';

export interface RequestPolicy {
  timeoutMs: number;
  /** Further attempts after the first. */
  retries: number;
  maxResponseBytes: number;
  /** Longest wait before a retry, whatever the server asks (Retry-After, Shopify's restore time). */
  maxRetryWaitMs: number;
  /** First backoff; doubled per attempt. */
  backoffMs: number;
}

export const DEFAULT_POLICY: RequestPolicy = { timeoutMs: 5_000, retries: 2, maxResponseBytes: 1_000_000, maxRetryWaitMs: 2_000, backoffMs: 200 };

/** Waits; injectable so tests see the waits instead of sleeping through them. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Why a request failed: what the operator should look at. */
export type RequestFailure = Extract<OrderSourceError['reason'], 'timeout' | 'network' | 'http_status' | 'unauthorized' | 'bad_body' | 'too_large'>;

export interface RequestContext {
  /** Names the request in error messages, without its URL (which may hold an email address). */
  describe: string;
  /** Which setting to check when the credentials are refused. */
  authHint: string;
  sleep?: Sleep;
  fetch?: typeof fetch;
  /** Builds the error a failure throws (default: an OrderSourceError of the source). */
  fail?: (reason: RequestFailure, message: string, options?: ErrorOptions) => Error;
  /** The settings timeout and size errors point at (default: ORDERS_TIMEOUT_MS, ORDERS_MAX_RESPONSE_BYTES). */
  settings?: { timeout: string; maxBytes: string };
}

export interface JsonAnswer {
  status: number;
  /** The parsed JSON body; undefined for 404 (its body is not read). */
  body: unknown;
}

/** How long to wait before retry `attempt + 1`: what the answer asked for, else exponential backoff, capped. */
export function retryWait(policy: RequestPolicy, attempt: number, asked?: number): number {
  return Math.min(policy.maxRetryWaitMs, asked ?? policy.backoffMs * 2 ** attempt);
}

class Retryable extends Error {
  constructor(
    message: string,
    readonly reason: RequestFailure,
    readonly waitMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Sends a request to `url` and parses its JSON answer. Answers 2xx and 404 are returned; a 401/403
 * is an `unauthorized` failure whose message says which setting to check (`authHint`).
 */
export async function requestJson(
  source: string,
  url: string,
  init: { method?: HttpMethod; headers: Record<string, string>; body?: string },
  policy: RequestPolicy,
  context: RequestContext,
): Promise<JsonAnswer> {
  const sleep = context.sleep ?? realSleep;
  const doFetch = context.fetch ?? fetch;
  const fail = context.fail ?? ((reason, message, options) => new OrderSourceError(source, reason, message, options));
  const settings = context.settings ?? { timeout: 'ORDERS_TIMEOUT_MS', maxBytes: 'ORDERS_MAX_RESPONSE_BYTES' };
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await attemptOnce(url, init, policy, { ...context, fail, settings }, doFetch);
    } catch (error) {
      if (!(error instanceof Retryable)) throw error;
      if (attempt >= policy.retries) {
        throw fail(error.reason, `${context.describe}: ${error.message} (after ${attempt + 1} attempt${attempt ? 's' : ''})`);
      }
      await sleep(retryWait(policy, attempt, error.waitMs));
    }
  }
}

async function attemptOnce(
  url: string,
  init: { method?: HttpMethod; headers: Record<string, string>; body?: string },
  policy: RequestPolicy,
  context: RequestContext & Required<Pick<RequestContext, 'fail' | 'settings'>>,
  doFetch: typeof fetch,
): Promise<JsonAnswer> {
  const { fail } = context;
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let response: Response;
  try {
    response = await doFetch(url, { method: init.method ?? 'GET', headers: { accept: 'application/json', ...init.headers }, body: init.body, signal, redirect: 'manual' });
  } catch (error) {
    if (signal.aborted) throw timeout(error);
    // Connection refused, reset, DNS: worth another attempt.
    throw new Retryable(`could not connect (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`, 'network', undefined);
  }
  const { status } = response;
  if (status === 404) {
    await response.body?.cancel().catch(() => undefined);
    return { status, body: undefined };
  }
  if (status === 429 || status >= 500) {
    await response.body?.cancel().catch(() => undefined);
    throw new Retryable(`answered HTTP ${status}`, 'http_status', retryAfterMs(response.headers.get('retry-after')));
  }
  if (status === 401 || status === 403) {
    await response.body?.cancel().catch(() => undefined);
    throw fail('unauthorized', `${context.describe}: refused our credentials (HTTP ${status}); ${context.authHint}`);
  }
  if (status >= 300 && status < 400) {
    // Not followed: the auth header would go along to wherever the redirect points.
    await response.body?.cancel().catch(() => undefined);
    throw fail('http_status', `${context.describe}: answered a redirect (HTTP ${status}); configure the final address`);
  }
  if (status < 200 || status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    throw fail('http_status', `${context.describe}: answered HTTP ${status}`);
  }
  let text: string | null;
  try {
    text = await readCappedText(response, policy.maxResponseBytes);
  } catch (error) {
    if (signal.aborted) throw timeout(error);
    throw new Retryable(`the answer broke off (${(error as Error).message})`, 'network', undefined);
  }
  if (text === null) throw fail('too_large', `${context.describe}: the answer is larger than ${policy.maxResponseBytes} bytes (${context.settings.maxBytes})`);
  const type = response.headers.get('content-type') ?? '';
  try {
    return { status, body: JSON.parse(text) };
  } catch {
    const kind = /html/i.test(type) || /^\s*</.test(text) ? 'an HTML page' : `${type || 'a body'} that is not JSON`;
    throw fail('bad_body', `${context.describe}: answered ${kind} instead of JSON (HTTP ${status})`);
  }
  function timeout(cause: unknown): Error {
    // Not retried: three slow attempts would keep the customer waiting three times as long.
    return fail('timeout', `${context.describe}: no answer within ${policy.timeoutMs} ms (${context.settings.timeout})`, { cause });
  }
}

/** Reads the body as a stream and stops at the cap, so a huge answer never sits in memory whole; null when larger. */
async function readCappedText(answer: Response, maxBytes: number): Promise<string | null> {
  const declared = Number(answer.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await answer.body?.cancel().catch(() => undefined);
    return null;
  }
  const data = await readCapped(answer, maxBytes);
  return data ? new TextDecoder().decode(data) : null;
}

