/**
 * Posts one signed event to a subscriber. Body `{id, type, createdAt, data}` (createdAt as an ISO
 * string), headers Frontdesk-Signature, Frontdesk-Event-Id (receivers dedupe on it: delivery is at
 * least once) and Frontdesk-Event-Type. Redirects are not followed (the signed request would go
 * somewhere nobody subscribed). The answer decides what the outbox does next: 2xx delivered, 410
 * disables the subscription, 408/429/5xx, timeouts and network errors are retried, anything else
 * fails at once.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { retryAfterMs } from '../../src/core/http-responses.ts';
import type { WebhookAttempt, WebhookSender } from '../../src/core/ports.ts';
import { EVENT_ID_HEADER, EVENT_TYPE_HEADER, SIGNATURE_HEADER, signatureHeader } from './sign.ts';
import { checkWebhookUrl, guardedLookup } from './urls.ts';

export interface WebhookSenderOptions {
  /** The whole request, connect to last byte of the answer's head. */
  timeoutMs: number;
  /** Let subscriptions reach loopback and private addresses (WEBHOOKS_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
}

/** How much of a receiver's error answer is kept in the delivery's error (for staff), in characters. */
const ERROR_BODY_CHARS = 200;

type Answer = { status: number; retryAfter: string | undefined; body: string };

function post(url: URL, body: string, headers: Record<string, string>, options: WebhookSenderOptions): Promise<Answer> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolvePromise, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal: AbortSignal.timeout(options.timeoutMs),
        ...(options.allowPrivate ? {} : { lookup: guardedLookup }),
      },
      (res: IncomingMessage) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < ERROR_BODY_CHARS) text += chunk;
        });
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: text.slice(0, ERROR_BODY_CHARS) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The outbox's terms for a receiver's answer. */
export function attemptOf(answer: Answer): WebhookAttempt {
  const { status } = answer;
  const said = answer.body.replace(/\s+/g, ' ').trim();
  const error = `http_${status}: the receiver answered HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 410) return { kind: 'gone', error: `gone: the receiver answered HTTP 410, so the subscription was disabled` };
  if (status === 408 || status === 429 || status >= 500) return { kind: 'retry', error, retryAfterMs: retryAfterMs(answer.retryAfter) };
  if (status >= 300 && status < 400) return { kind: 'failed', error: `${error} (redirects are not followed; subscribe the final URL)` };
  return { kind: 'failed', error };
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  return {
    checkUrl: async (url) => void (await checkWebhookUrl(url, options.allowPrivate)),
    async send(subscription, event) {
      let url: URL;
      try {
        url = await checkWebhookUrl(subscription.url, options.allowPrivate);
      } catch (error) {
        return { kind: 'failed', error: `refused_url: ${(error as Error).message}` };
      }
      const body = JSON.stringify({ id: event.id, type: event.type, createdAt: new Date(event.createdAt).toISOString(), data: event.data });
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Frontdesk-Webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(subscription.secret, Math.floor(Date.now() / 1000), body),
        [EVENT_ID_HEADER]: event.id,
        [EVENT_TYPE_HEADER]: event.type,
      };
      try {
        return attemptOf(await post(url, body, headers, options));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EINTERNAL') return { kind: 'failed', error: `refused_url: ${(error as Error).message}` };
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        return { kind: 'retry', error: timedOut ? `timeout: no answer within ${options.timeoutMs} ms` : `network: ${code ?? (error as Error).message}` };
      }
    },
  };
}
