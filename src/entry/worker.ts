/**
 * The composition root on Cloudflare Workers (wrangler.toml's `main`); src/entry/node.ts is the
 * one on Node. Static files (the demo page, widget.js, the console's app) are Workers static
 * assets built by `npm run build:worker`; every other request goes to one Durable Object,
 * FrontdeskObject, which holds the whole Frontdesk: the Hono app, the pipeline, the embedded
 * engine, and the store over its own SQLite (src/store/durable). One object per deployment: it
 * serialises every write, its memory bus fans live events (SSE) out to every stream, and a reply
 * computed after the acknowledgement keeps running in it. README "Cloudflare Workers" has the
 * plan for sharding by conversation.
 *
 * Work after the acknowledgement (`POST …/messages` without `?wait=1`) is handed to the object's
 * `waitUntil`; should the object be evicted before it ends, the Cron Trigger's sweep answers the
 * stored message (pipeline.recoverPending) and drains the outbox.
 */
import { DurableObject, type DurableObjectNamespace, type DurableObjectState, type Fetcher, type ScheduledController } from 'cloudflare:workers';
import { createOrderSource } from '../../adapters/orders/index.ts';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { createDeploymentEngine, knowledgeReload } from '../../agents/engines/local/index.ts';
import type { PrebuiltModel } from '../../agents/engines/local/training/triage-model.ts';
import { agentForRoute } from '../../agents/graph.ts';
import type { Deployment } from '../../config/deployment/index.ts';
import { loadConfig } from '../../config/env.ts';
import { createMemoryBus } from '../core/bus.ts';
import { createChannelRegistry } from '../core/channels.ts';
import { ConfigError } from '../core/errors.ts';
import { createEscalations } from '../core/escalations.ts';
import { createOutbox } from '../core/outbox.ts';
import { createPipeline } from '../core/pipeline.ts';
import type { AdapterContext } from '../core/ports.ts';
import { authenticateStaffToken } from '../core/staff-auth.ts';
import { createSupportDesk } from '../core/support-desk.ts';
import { createServiceLevels } from '../core/service-levels.ts';
import { createConsole, CONSOLE_CSP } from '../console/server.ts';
import { createApp } from '../http/app.ts';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from '../http/ops/login-throttle.ts';
import { createDurableStore, type SqliteMigrations } from '../store/durable/index.ts';
import { seedDeployment } from './seed.ts';
import { unsupportedOnWorkers } from './worker-support.ts';
import { createWorkerLogger } from './worker-logger.ts';

export interface Env {
  FRONTDESK: DurableObjectNamespace<FrontdeskObject>;
  ASSETS: Fetcher;
  /** [vars] and secrets: the same variables as on Node (config/env.ts). */
  [name: string]: unknown;
}

/** dist/worker/assets/_frontdesk/boot.json, written by src/cli/build-worker.ts. */
interface Boot {
  deployment: Deployment;
  model: PrebuiltModel;
  migrations: SqliteMigrations;
}

/** Files the build writes for the object only; never served to the public. */
const PRIVATE_ASSETS = '/_frontdesk/';
/** One object holds the deployment (see the sharding plan in README before adding a second). */
const OBJECT_NAME = 'deployment';

/** The variables among the bindings. */
const variablesOf = (env: Env) => Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));

async function createWorkerDesk(env: Env, ctx: DurableObjectState) {
  const config = loadConfig(variablesOf(env));
  const refused = unsupportedOnWorkers(config);
  if (refused.length > 0) throw new ConfigError(`Not available on Workers:\n  ${refused.join('\n  ')}`);
  const logger = createWorkerLogger(config.logLevel);
  const clock = { now: () => Date.now() };
  const answer = await env.ASSETS.fetch(`https://assets.invalid${PRIVATE_ASSETS}boot.json`);
  if (!answer.ok) throw new ConfigError(`${PRIVATE_ASSETS}boot.json is missing from the static assets (${answer.status}): run \`npm run build:worker\`.`);
  const { deployment, model, migrations } = (await answer.json()) as Boot;

  const store = createDurableStore(ctx.storage, migrations);
  const orders = createOrderSource(config.orders, { repo: store.repo, logger, clock, deploymentMapping: deployment.settings.orders.mapping });
  await store.migrate();
  await seedDeployment(store, clock, deployment);
  const graph = deployment.graph;
  const engine = await createDeploymentEngine({
    deployment,
    store,
    cacheDir: null,
    prebuilt: model,
    learnCorrections: false,
    confidenceThreshold: config.confidenceThreshold,
    onKnowledgeError: (error) => logger.warn({ err: error }, 'knowledge refresh failed; the engine keeps the previous articles'),
  });

  const bus = createMemoryBus((error) => logger.warn({ err: error }, 'event listener failed'));
  const escalations = createEscalations((error) => logger.error({ err: error }, 'escalation listener failed'));
  const authenticateStaff = (token: string) => authenticateStaffToken(store, clock, token);
  const adapters = [
    createWebAdapter({ maxMessageChars: config.limits.maxMessageChars, waitTimeoutMs: 30_000, identitySecret: config.widget.identitySecret }, { authenticateStaff }),
  ];
  const outbox = createOutbox({ store, channels: createChannelRegistry(adapters), bus, clock, logger, options: config.outbox });
  const serviceLevels = createServiceLevels(deployment.settings);
  const support = createSupportDesk({ store, outbox, escalations, bus, clock, serviceLevels });
  const pipeline = createPipeline({
    store,
    engine,
    orders,
    outbox,
    escalations,
    bus,
    clock,
    logger,
    serviceLevels,
    options: { assignment: deployment.settings.assignment, reopenWindowMs: {}, fallback: { agent: agentForRoute(graph, graph.triage.fallbackRoute).name, route: graph.triage.fallbackRoute } },
  });
  const context: AdapterContext = { pipeline, store, support, bus, logger, clock };
  const loginThrottle = createLoginThrottle(clock, { ...DEFAULT_LOGIN_THROTTLE, ...config.rateLimits.login });
  const staffConsole = createConsole({ store, clock, logger, publicUrl: config.publicUrl, sessionSecret: config.sessionSecret, loginThrottle });
  const app = createApp({
    context,
    adapters,
    logger,
    maxBodyBytes: config.limits.maxBodyBytes,
    staff: {
      store,
      support,
      bus,
      now: clock.now,
      maxMessageChars: config.limits.maxMessageChars,
      authenticate: authenticateStaff,
      routes: [...new Set(graph.agents.map((a) => a.route))],
      sessionToken: staffConsole.sessionToken,
      resumeApproval: pipeline.resumeApproval,
      resend: outbox.resend,
      serviceLevels,
      knowledgeChanged: knowledgeReload(engine),
    },
    widgetOrigins: config.widget.allowedOrigins,
    metricsToken: null,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    mounts: [{ path: '/console', app: staffConsole.app }],
  });

  /** One pass of background work, as Node's sweep: due deliveries, unanswered messages, idle conversations. */
  async function sweep(pendingOlderThanMs = 30_000) {
    await outbox.drain().catch((error) => logger.error({ err: error }, 'outbox drain failed'));
    await pipeline.recoverPending(pendingOlderThanMs).catch((error) => logger.error({ err: error }, 'recovery failed'));
    await support.autoResolveIdle(config.autoResolveMs).catch((error) => logger.error({ err: error }, 'auto-resolve failed'));
  }
  logger.info({ deployment: deployment.name }, 'frontdesk ready in its Durable Object');
  return { app, pipeline, sweep };
}

/** The one object that holds the deployment's Frontdesk and its SQLite database. */
export class FrontdeskObject extends DurableObject<Env> {
  #desk: ReturnType<typeof createWorkerDesk> | null = null;

  /** Built once per object instance; a failed start is retried by the next request. */
  #ready() {
    this.#desk ??= createWorkerDesk(this.env, this.ctx).catch((error: unknown) => {
      this.#desk = null;
      throw error;
    });
    return this.#desk;
  }

  async fetch(request: Request): Promise<Response> {
    const desk = await this.#ready();
    // Hono's client address comes from the Node socket on Node; here Cloudflare's edge names it.
    const response = await desk.app.fetch(request, { incoming: { socket: { remoteAddress: request.headers.get('cf-connecting-ip') ?? 'unknown' } } });
    // Replies computed after the acknowledgement keep the object alive until they are stored.
    this.ctx.waitUntil(desk.pipeline.idle());
    return response;
  }

  /** The Cron Trigger's pass: due deliveries, messages left unanswered (an evicted object), idle conversations. */
  async sweep(): Promise<void> {
    const desk = await this.#ready();
    await desk.sweep();
  }
}

function deskObject(env: Env) {
  return env.FRONTDESK.get(env.FRONTDESK.idFromName(OBJECT_NAME));
}

/** A console page (a deep link into the single-page app): its index.html, with the console's headers. */
async function consolePage(env: Env, url: URL): Promise<Response> {
  const page = await env.ASSETS.fetch(new URL('/console/', url));
  const response = new Response(page.body, page);
  response.headers.set('content-security-policy', CONSOLE_CSP);
  response.headers.set('x-frame-options', 'DENY');
  return response;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith(PRIVATE_ASSETS)) return Response.json({ error: { code: 'not_found', message: 'Not found.' } }, { status: 404 });
    // Files that exist were served as static assets before reaching here (wrangler.toml [assets]).
    if (request.method === 'GET' && url.pathname.startsWith('/console/') && !url.pathname.startsWith('/console/api/')) return consolePage(env, url);
    return deskObject(env).fetch(request);
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    // Awaited rather than left to waitUntil: a failing sweep fails the invocation, which Cron Triggers report.
    await deskObject(env).sweep();
  },
};
