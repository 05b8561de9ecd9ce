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
 * Channels: web, and SMS, email and Slack through adapters/workers (fetch and Web Crypto; mail
 * arrives at the `email()` handler from Email Routing). Work after an acknowledgement (`POST
 * …/messages` without `?wait=1`, a webhook, a mail) is handed to the object's `waitUntil`; should
 * the object be evicted before it ends, the Cron Trigger's sweep answers the stored message
 * (pipeline.recoverPending) and drains the outbox, retries of failed sends included.
 */
import { DurableObject, type DurableObjectNamespace, type DurableObjectState, type Fetcher, type ForwardableEmailMessage, type ScheduledController } from 'cloudflare:workers';
import { createOrderSource } from '../../adapters/orders/index.ts';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { createWorkersEmailAdapter, type EmailOutcome } from '../../adapters/workers/email.ts';
import { createWorkersSlackAdapter } from '../../adapters/workers/slack.ts';
import { createWorkersSmsAdapter } from '../../adapters/workers/sms.ts';
import { createDeploymentEngine, knowledgeReload } from '../../agents/engines/local/index.ts';
import type { PrebuiltModel } from '../../agents/engines/local/training/triage-model.ts';
import { agentForRoute } from '../../agents/graph.ts';
import type { Deployment } from '../../config/deployment/index.ts';
import { loadConfig } from '../../config/env.ts';
import { createMemoryBus } from '../core/bus.ts';
import { createChannelContext } from '../core/channel-context.ts';
import { createChannelRegistry } from '../core/channels.ts';
import { ConfigError } from '../core/errors.ts';
import { ensureFirstAdmin } from '../core/first-admin.ts';
import { createEscalations } from '../core/escalations.ts';
import { createOutbox } from '../core/outbox.ts';
import { createPipeline } from '../core/pipeline.ts';
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
  if (await ensureFirstAdmin(store, clock, config.firstAdmin)) logger.info('first admin created from FRONTDESK_ADMIN_EMAIL');
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
  const email = config.emailApi ? createWorkersEmailAdapter(config.emailApi) : null;
  const adapters = [
    ...(email ? [email] : []),
    createWebAdapter({ maxMessageChars: config.limits.maxMessageChars, waitTimeoutMs: 30_000, identitySecret: config.widget.identitySecret }, { authenticateStaff }),
    ...(config.sms ? [createWorkersSmsAdapter({ ...config.sms, publicUrl: config.publicUrl, trustProxy: config.trustProxy })] : []),
    // unsupportedOnWorkers refused Slack without a signing secret above.
    ...(config.slack?.signingSecret ? [createWorkersSlackAdapter({ ...config.slack, signingSecret: config.slack.signingSecret })] : []),
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
    options: { assignment: deployment.settings.assignment, reopenWindowMs: config.sms ? { sms: config.sms.newConversationMs } : {}, fallback: { agent: agentForRoute(graph, graph.triage.fallbackRoute).name, route: graph.triage.fallbackRoute } },
  });
  const channel = createChannelContext({ store, pipeline, support, bus, logger, clock });
  // Each adapter gets the core once; the app mounts the HTTP endpoints it answers.
  const channelRoutes = adapters.flatMap((adapter) => adapter.attach?.(channel) ?? []);
  const loginThrottle = createLoginThrottle(clock, { ...DEFAULT_LOGIN_THROTTLE, ...config.rateLimits.login });
  const staffConsole = createConsole({ store, clock, logger, publicUrl: config.publicUrl, sessionSecret: config.sessionSecret, loginThrottle });
  const app = createApp({
    store,
    clock,
    channels: adapters.map((a) => a.kind),
    channelRoutes,
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
  /** One mail from the Email Workers route. */
  async function receiveEmail(raw: Uint8Array): Promise<EmailOutcome> {
    if (!email) return { kind: 'refused', reason: 'Email is off here: set RESEND_API_KEY and EMAIL_ADDRESS.' };
    const outcome = await email.receive(raw);
    logger.info({ outcome: outcome.kind, ...(outcome.kind === 'received' ? { messageId: outcome.messageId, duplicate: outcome.duplicate } : { reason: outcome.reason }) }, 'email received');
    return outcome;
  }
  logger.info({ deployment: deployment.name }, 'frontdesk ready in its Durable Object');
  return { app, pipeline, sweep, receiveEmail };
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

  /** A mail from the Email Workers route; its reply is computed after this returns. */
  async receiveEmail(raw: Uint8Array): Promise<EmailOutcome> {
    const desk = await this.#ready();
    const outcome = await desk.receiveEmail(raw);
    this.ctx.waitUntil(desk.pipeline.idle());
    return outcome;
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

  /** Mail routed to this worker (Email Routing): into the object, or refused back to the sender's server. */
  async email(message: ForwardableEmailMessage, env: Env): Promise<void> {
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    const outcome = await deskObject(env).receiveEmail(raw);
    if (outcome.kind === 'refused') message.setReject(outcome.reason);
  },

  async scheduled(_controller: ScheduledController, env: Env): Promise<void> {
    // Awaited rather than left to waitUntil: a failing sweep fails the invocation, which Cron Triggers report.
    await deskObject(env).sweep();
  },
};
