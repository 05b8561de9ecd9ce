/**
 * The Hono application: health, the staff API, each channel's routes (web visitor API under /v1,
 * provider webhooks under /webhooks/<kind>), body limits and one error mapping.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { FrontdeskError, NotFoundError } from '../core/errors.ts';
import type { AdapterContext, ChannelAdapter, Logger } from '../core/ports.ts';
import { errorResponse } from './errors.ts';
import { MAX_ARTICLE_REQUEST_BYTES } from './kb-routes.ts';
import { createStaffRoutes, type StaffRouteDeps } from './staff-routes.ts';
import { createWebhookRoute } from './webhooks.ts';

export interface AppDeps {
  context: AdapterContext;
  adapters: ChannelAdapter[];
  staff: StaffRouteDeps;
  logger: Logger;
  maxBodyBytes: number;
  /** Extra apps mounted at a path (the console, static assets). */
  mounts?: { path: string; app: Hono }[];
  /** Origins whose pages may call the web visitor API (WIDGET_ALLOWED_ORIGINS; '*' for any). */
  widgetOrigins?: string[];
}

/** The web visitor routes an embedded widget calls from other origins. */
const VISITOR_PATHS = ['/v1/conversations', '/v1/conversations/:id/messages', '/v1/conversations/:id/events', '/v1/conversations/:id/csat', '/v1/conversations/:id/handoff'];

export function createApp(deps: AppDeps): Hono {
  const { logger } = deps;
  const app = new Hono();

  app.onError((error, c) => errorResponse(error, c, logger));
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
  app.use('*', (c, next) => (c.req.path.startsWith('/v1/kb/') ? articleLimit : generalLimit)(c, next));

  if (deps.widgetOrigins) {
    const origins = deps.widgetOrigins;
    // No credentials: visitors authenticate with a bearer token, never with cookies.
    const visitorCors = cors({
      origin: origins.includes('*') ? '*' : origins,
      allowMethods: ['GET', 'POST', 'OPTIONS'],
      allowHeaders: ['content-type', 'authorization', 'last-event-id'],
      maxAge: 600,
    });
    for (const path of VISITOR_PATHS) app.use(path, visitorCors);
  }

  app.get('/healthz', async (c) => {
    await deps.context.store.repo.countArticles(); // proves the database answers
    return c.json({ ok: true, channels: deps.adapters.map((a) => a.kind) });
  });

  for (const adapter of deps.adapters) {
    if (adapter.verify && adapter.parse) app.route(`/webhooks/${adapter.kind}`, createWebhookRoute(adapter, deps.context));
    const extra = adapter.routes?.(deps.context);
    if (extra) app.route(extra.basePath, extra.app as Hono);
  }
  app.route('/v1', createStaffRoutes(deps.staff));
  for (const mount of deps.mounts ?? []) app.route(mount.path, mount.app);
  return app;
}
