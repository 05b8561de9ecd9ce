/**
 * Per-request operations: a request id (a sane incoming X-Request-Id, else a new one) echoed in
 * the response, one access log line, and the HTTP metrics. Only the route pattern is a metric
 * label, so label cardinality stays bounded whatever paths clients request.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/ports.ts';
import type { FrontdeskMetrics } from './frontdesk-metrics.ts';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Printable, short, no spaces or quotes: safe to echo and to log. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Query parameters that carry credentials (EventSource cannot send headers, so `token` rides in the URL). */
const SECRET_QUERY = /^(token|access_token|key|api_key|apikey|secret|signature|sig|code|password)$/i;
/** Query parameters that carry what staff typed to find a customer: a name, an email, a phone number. */
const PERSONAL_QUERY = /^(search|q|query|email|phone)$/i;

declare module 'hono' {
  interface ContextVariableMap {
    /** This request's id (also in the X-Request-Id response header). */
    requestId: string;
    /** Logger bound to this request's id. */
    log: Logger;
    /** The client's address (see clientIp, set by createApp); the key of per-client limits. */
    clientIp: string;
  }
}

/** The request's path with secret and personal query values replaced, e.g. `/v1/x/events?token=[redacted]`. */
export function loggablePath(url: string): string {
  const parsed = new URL(url);
  if (!parsed.search) return parsed.pathname;
  const parts = [...parsed.searchParams.entries()].map(([k, v]) => `${encodeURIComponent(k)}=${SECRET_QUERY.test(k) || PERSONAL_QUERY.test(k) ? '[redacted]' : encodeURIComponent(v)}`);
  return `${parsed.pathname}?${parts.join('&')}`;
}

/** The route pattern that answered (`/v1/conversations/:id/messages`), or `unmatched`. */
export function routePattern(c: Context): string {
  const route = matchedRoutes(c)[c.req.routeIndex];
  // Middleware (method ALL) answering means no route did; a not-found must not become a series per path.
  return route && route.method !== 'ALL' ? route.path : 'unmatched';
}

export function requestOperations(deps: { logger: Logger; metrics: FrontdeskMetrics }): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const requestId = incoming && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    c.set('requestId', requestId);
    c.set('log', deps.logger.child({ requestId }));
    try {
      await next();
    } finally {
      const status = c.res.status;
      const seconds = (performance.now() - started) / 1000;
      const route = routePattern(c);
      try {
        c.res.headers.set(REQUEST_ID_HEADER, requestId);
      } catch {
        // Some responses (a redirect built by Response.redirect) have immutable headers.
      }
      deps.metrics.httpRequests.inc({ method: c.req.method, route, status: `${Math.floor(status / 100)}xx` });
      deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
      const line = { requestId, method: c.req.method, path: loggablePath(c.req.url), route, status, ms: Math.round(seconds * 10_000) / 10 };
      if (status >= 500) deps.logger.warn(line, 'request');
      else deps.logger.info(line, 'request');
    }
  };
}
