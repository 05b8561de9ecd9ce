/**
 * The Hono application: health, the staff API, each channel's routes (web visitor API under /v1,
 * provider webhooks under /webhooks/<kind>), body limits and one error mapping.
 */
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import { bodyLimit } from 'hono/body-limit';
import { MAX_REPLY_REQUEST_BYTES } from '../core/reply-attachments.ts';
import { cors } from 'hono/cors';
import { FrontdeskError, NotFoundError } from '../core/errors.ts';
import type { ChannelRoutes, Clock, Logger, Store } from '../core/ports.ts';
import { jsonResponse, TAGS } from './api-doc.ts';
import { ChannelKind } from '../core/types.ts';
import { refuseUnstorableUrl } from './body.ts';
import { errorResponse } from './errors.ts';
import { MAX_ARTICLE_REQUEST_BYTES } from './kb-routes.ts';
import type { FrontdeskMetrics } from './ops/frontdesk-metrics.ts';
import { createApiReference } from './ops/api-reference.ts';
import { createHealthRoutes, type ReadinessCheck } from './ops/health.ts';
import { createMetricsRoute } from './ops/metrics-route.ts';
import { createConcurrencyCap, createSharedTokenBuckets, createTokenBuckets, rateLimit, type BucketSettings } from './ops/rate-limit.ts';
import { clientIp } from './ops/client-ip.ts';
import { requestOperations } from './ops/request-log.ts';
import { capStreams } from './ops/stream-cap.ts';
import { createStaffRoutes, type StaffRouteDeps } from './staff-routes.ts';

export interface AppDeps {
  store: Store;
  clock: Clock;
  /** The channels that are on (/healthz lists them). */
  channels: ChannelKind[];
  /** The HTTP endpoints the attached adapters answer (ChannelAdapter.attach), mounted in order. */
  channelRoutes: ChannelRoutes<Hono>[];
  staff: StaffRouteDeps;
  logger: Logger;
  maxBodyBytes: number;
  /** Extra apps mounted at a path (the console, static assets). */
  mounts?: { path: string; app: Hono }[];
  /** Origins whose pages may call the web visitor API (WIDGET_ALLOWED_ORIGINS; '*' for any). */
  widgetOrigins?: string[];
  /** Request counters, durations and the rest of /metrics (none: not measured). */
  metrics?: FrontdeskMetrics;
  /** METRICS_TOKEN: /metrics answers only to this bearer token (null: /metrics is 404). */
  metricsToken?: string | null;
  /** TRUST_PROXY: the client address comes from X-Forwarded-For. */
  trustProxy?: boolean;
  /** Per-address limits on the web visitor API (none: unlimited). */
  rateLimits?: VisitorLimits;
  /** What /readyz checks (none: ready whenever the process answers). */
  readiness?: ReadinessCheck[];
}

/** Limits on the public web visitor API, per client address (null bucket: no limit). */
export interface VisitorLimits {
  conversations: BucketSettings | null;
  messages: BucketSettings | null;
  streamsPerConversation: number;
  streamsPerAddress: number;
}

/**
 * The web visitor routes an embedded widget calls from other origins, with their methods. Only
 * these answer CORS; `GET /v1/conversations` (the staff inbox) shares a path but not a method.
 */
const VISITOR_ROUTES: Record<string, string[]> = {
  '/v1/conversations': ['POST'],
  '/v1/identity/conversations': ['POST'],
  '/v1/conversations/:id/messages': ['GET', 'POST'],
  '/v1/conversations/:id/events': ['GET'],
  '/v1/conversations/:id/csat': ['POST'],
  '/v1/conversations/:id/handoff': ['POST'],
};

export function createApp(deps: AppDeps): Hono {
  const { logger } = deps;
  const app = new Hono();

  app.onError((error, c) => errorResponse(error, c, logger));
  // First: every response, refusals included, gets a request id, a log line and its metrics.
  if (deps.metrics) app.use('*', requestOperations({ logger, metrics: deps.metrics }));
  // Every request knows its client address: per-client limits (here and in mounted apps) key on it.
  const trustProxy = deps.trustProxy ?? false;
  app.use('*', async (c, next) => {
    c.set('clientIp', clientIp(c, trustProxy));
    await next();
  });
  app.use('*', refuseUnstorableUrl());
  app.notFound((c) => errorResponse(new NotFoundError('route', `${c.req.method} ${c.req.path}`), c, logger));
  const limitTo = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: () => {
        throw new FrontdeskError('payload_too_large', `The body is larger than ${maxSize} bytes.`, 413);
      },
    });
  const generalLimit = limitTo(deps.maxBodyBytes);
  // Knowledge articles may be longer than any message (kb-routes.ts checks the article itself).
  const articleLimit = limitTo(Math.max(deps.maxBodyBytes, MAX_ARTICLE_REQUEST_BYTES));
  // A staff reply may carry files (src/core/reply-attachments.ts checks each).
  const replyLimit = limitTo(Math.max(deps.maxBodyBytes, MAX_REPLY_REQUEST_BYTES));
  const isReply = (path: string) => /^\/v1\/conversations\/[^/]+\/replies$/.test(path);
  app.use('*', (c, next) => (c.req.path.startsWith('/v1/kb/') ? articleLimit : isReply(c.req.path) ? replyLimit : generalLimit)(c, next));

  if (deps.widgetOrigins) {
    const origins = deps.widgetOrigins;
    // No credentials: visitors authenticate with a bearer token, never with cookies.
    const visitorCors = cors({
      origin: origins.includes('*') ? '*' : origins,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'authorization', 'last-event-id'],
      maxAge: 600,
    });
    for (const [path, methods] of Object.entries(VISITOR_ROUTES)) {
      app.use(path, (c, next) => {
        // A preflight names the method it asks for; only the visitor route's own methods get CORS.
        const method = c.req.method === 'OPTIONS' ? c.req.header('access-control-request-method')?.toUpperCase() : c.req.method;
        return method && methods.includes(method) ? visitorCors(c, next) : next();
      });
    }
  }

  if (deps.rateLimits) {
    const limits = deps.rateLimits;
    const { clock } = deps;
    const address = (c: Context) => c.get('clientIp');
    const refused = (limit: string) => () => deps.metrics?.rateLimited.inc({ limit });
    // Replicas sharing a database share each client's budget; one process counts in memory.
    const { store } = deps;
    const buckets = (name: string, settings: BucketSettings) =>
      store.takeToken ? createSharedTokenBuckets(name, settings, clock, { takeToken: store.takeToken.bind(store) }) : createTokenBuckets(settings, clock);
    if (limits.conversations) {
      const starts = rateLimit(buckets('conversations', limits.conversations), address, refused('conversations'));
      app.post('/v1/conversations', starts);
      app.post('/v1/identity/conversations', starts);
    }
    if (limits.messages) app.post('/v1/conversations/:id/messages', rateLimit(buckets('messages', limits.messages), address, refused('messages')));
    app.get(
      '/v1/conversations/:id/events',
      capStreams({ perConversation: createConcurrencyCap(limits.streamsPerConversation), perAddress: createConcurrencyCap(limits.streamsPerAddress), onRefused: refused('streams') }),
    );
  }

  app.get('/healthz', describeRoute({
    tags: [TAGS.ops],
    summary: 'Health: the database answers; the channels that are on',
    security: [],
    responses: { 200: jsonResponse('Healthy', z.object({ ok: z.literal(true), channels: z.array(ChannelKind) }), { ok: true, channels: ['web', 'sms'] }) },
  }), async (c) => {
    await deps.store.repo.countArticles(); // proves the database answers
    return c.json({ ok: true, channels: deps.channels });
  });

  app.route('/', createHealthRoutes(deps.readiness ?? [], logger));

  for (const routes of deps.channelRoutes) app.route(routes.basePath, routes.app);
  if (deps.metrics && deps.metricsToken) app.route('/', createMetricsRoute(deps.metrics.registry, deps.metricsToken));
  app.route('/v1', createStaffRoutes(deps.staff));
  for (const mount of deps.mounts ?? []) app.route(mount.path, mount.app);
  // Last: the document describes every route registered above.
  app.route('/', createApiReference(app));
  return app;
}
