/**
 * Liveness and readiness for orchestrators. /livez answers while the process serves HTTP at all
 * (restart it when this fails); /readyz answers 200 only when every readiness check passes
 * (send it traffic only then), else 503 naming each failing check.
 */
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import { z } from 'zod';
import type { Logger, Store } from '../../core/ports.ts';
import { jsonResponse, TAGS } from '../api-doc.ts';

/** One readiness condition: resolves to null when met, or to the reason it is not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<string | null>;
}

/** Frontdesk's readiness: the database answers, has every migration, and the channels were started. */
export function frontdeskReadiness(store: Store, channelsStarted: () => boolean): ReadinessCheck[] {
  return [
    { name: 'database', check: async () => (await store.repo.countArticles(), null) },
    {
      name: 'migrations',
      async check() {
        const pending = await store.pendingMigrations();
        return pending === 0 ? null : `${pending} pending; run frontdesk migrate`;
      },
    },
    { name: 'channels', check: async () => (channelsStarted() ? null : 'not started') },
  ];
}

/** A check slower than this fails: a hung database must not hang the probe with it. */
const CHECK_TIMEOUT_MS = 2_000;

const Ready = z.object({ ready: z.literal(true), checks: z.record(z.string(), z.literal('ok')) });
const NotReady = z.object({
  error: z.object({ code: z.literal('not_ready'), message: z.string(), details: z.object({ checks: z.record(z.string(), z.string()) }) }),
});

async function run(check: ReadinessCheck, logger: Logger): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${CHECK_TIMEOUT_MS} ms`), CHECK_TIMEOUT_MS)));
  try {
    return await Promise.race([check.check(), timeout]);
  } catch (error) {
    // The reason is public (the probe has no credentials); the error itself goes to the log.
    logger.warn({ err: error, check: check.name }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

export function createHealthRoutes(checks: ReadinessCheck[], logger: Logger) {
  const app = new Hono();
  app.get('/livez', describeRoute({
    tags: [TAGS.ops],
    summary: 'Liveness: the process serves HTTP',
    security: [],
    responses: { 200: jsonResponse('Alive', z.object({ ok: z.literal(true) }), { ok: true }) },
  }), (c) => c.json({ ok: true }));

  app.get('/readyz', describeRoute({
    tags: [TAGS.ops],
    summary: 'Readiness: database reachable, migrations applied, channels started',
    security: [],
    responses: {
      200: jsonResponse('Ready to serve', Ready, { ready: true, checks: { database: 'ok', migrations: 'ok', channels: 'ok' } }),
      503: jsonResponse('Not ready; each failing check with its reason', NotReady, {
        error: { code: 'not_ready', message: 'Not ready: channels (not started).', details: { checks: { database: 'ok', migrations: 'ok', channels: 'not started' } } },
      }),
    },
  }), async (c) => {
    const results = await Promise.all(checks.map(async (check) => [check.name, (await run(check, logger)) ?? 'ok'] as const));
    const failing = results.filter(([, result]) => result !== 'ok');
    if (failing.length === 0) return c.json({ ready: true, checks: Object.fromEntries(results) });
    const message = `Not ready: ${failing.map(([name, reason]) => `${name} (${reason})`).join(', ')}.`;
    return c.json({ error: { code: 'not_ready', message, details: { checks: Object.fromEntries(results) } } }, 503);
  });
  return app;
}
