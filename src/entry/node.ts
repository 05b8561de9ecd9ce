/**
 * The composition root on Node: the only place that picks concrete parts (SQLite or
 * PostgreSQL, the engine, the channel adapters) and wires them together.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { createActionCaller } from '../../adapters/actions/http.ts';
import { createOrderSource, describeOrderSource } from '../../adapters/orders/index.ts';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { createWidgetRoutes } from '../../adapters/web/widget/serve.ts';
import { createWebhookSender } from '../../adapters/webhooks/send.ts';
import { createDeploymentEngine, knowledgeReload } from '../../agents/engines/local/index.ts';
import { agentForRoute, type AgentGraph } from '../../agents/graph.ts';
import { loadDeployment, resolveDeploymentDir, type Deployment } from '../../config/deployment/index.ts';
import type { Config } from '../../config/env.ts';
import { createMemoryBus } from '../core/bus.ts';
import { createChannelContext } from '../core/channel-context.ts';
import { createChannelRegistry } from '../core/channels.ts';
import { ensureFirstAdmin } from '../core/first-admin.ts';
import { createEscalations } from '../core/escalations.ts';
import { createOutbox } from '../core/outbox.ts';
import { createPipeline } from '../core/pipeline.ts';
import type { AgentEngine, ChannelAdapter, Clock, EventBus, Logger, OrderSource, Store } from '../core/ports.ts';
import { authenticateStaffToken } from '../core/staff-auth.ts';
import { createSupportDesk } from '../core/support-desk.ts';
import { createServiceLevels } from '../core/service-levels.ts';
import { withWebhookEvents } from '../core/webhook-events.ts';
import { createWebhooks } from '../core/webhooks.ts';
import { createConsole } from '../console/server.ts';
import { createApp } from '../http/app.ts';
import { frontdeskReadiness } from '../http/ops/health.ts';
import { countDeliveries, countHandoffs, countReceived, createFrontdeskMetrics, timeEngine } from '../http/ops/frontdesk-metrics.ts';
import { createLoginThrottle, DEFAULT_LOGIN_THROTTLE } from '../http/ops/login-throttle.ts';
import { createPgStore } from '../store/pg/index.ts';
import { createPgNotifyBus } from '../store/pg/notify-bus.ts';
import { createSqliteStore } from '../store/sqlite/index.ts';
import { listenError } from './listen-errors.ts';
import { demoDataWarning, seedDeployment } from './seed.ts';
import { providerChannels } from './channels.ts';
import { createLogger } from './logger.ts';

export function openStore(config: Config, logger?: Logger): Store {
  return config.database.kind === 'postgres'
    ? createPgStore({ url: config.database.url, logger })
    : createSqliteStore({ path: config.database.path });
}

export { seedDeployment } from './seed.ts';

export interface FrontdeskOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  store?: Store;
  engine?: AgentEngine;
  /** The company's order system (default: from the configuration, see adapters/orders). */
  orders?: OrderSource;
  /** The company's deployment directory, loaded (default: the one config.deploymentDir names, else the demo). */
  deployment?: Deployment;
  /** Overrides the deployment's agent graph (tests of one engine behaviour). */
  graph?: AgentGraph;
  /** Where the trained triage model is cached (null: never cache). */
  modelCacheDir?: string | null;
  /** Extra adapters (tests inject fakes of provider-backed channels). */
  adapters?: ChannelAdapter<Hono>[];
  /** Import the deployment's kb/ articles (and, for the demo only, its demo orders) at start (default true). */
  seed?: boolean;
}

export type Frontdesk = Awaited<ReturnType<typeof createFrontdesk>>;

/** The deployment FRONTDESK_DEPLOYMENT names (or the demo), checked; a DeploymentError lists every problem. */
export function loadConfiguredDeployment(config: Config): Deployment {
  // Custom actions run on the model engine only: their credentials must be set when it is on.
  return loadDeployment(resolveDeploymentDir(config.deploymentDir), { secret: config.openai ? config.secret : undefined });
}

/** Builds a whole Frontdesk: store migrated, engine trained, app ready, workers not yet started. */
export async function createFrontdesk(options: FrontdeskOptions) {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? { now: () => Date.now() };
  // Read and checked before anything opens: a wrong deployment file stops start-up with its line.
  const deployment = options.deployment ?? loadConfiguredDeployment(config);
  const graph = options.graph ?? deployment.graph;
  // Every change records its webhook events in its own transaction; once committed they are sent at once (deliverNow).
  const deliveries = new Set<Promise<void>>();
  let deliverNow: (jobId: string) => Promise<void> = async () => undefined;
  const store = withWebhookEvents(options.store ?? openStore(config, logger), {
    clock,
    committed(jobIds) {
      for (const jobId of jobIds) {
        const delivery: Promise<void> = deliverNow(jobId)
          .catch((error) => logger.error({ err: error, jobId }, 'webhook delivery failed'))
          .finally(() => deliveries.delete(delivery));
        deliveries.add(delivery);
      }
    },
  });
  // Built before anything else starts: a bad order mapping stops start-up with a clear message.
  let orders: OrderSource;
  try {
    orders = options.orders ?? createOrderSource(config.orders, { repo: store.repo, logger, clock, deploymentMapping: deployment.settings.orders.mapping });
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  logger.info({ deployment: deployment.dir, demo: deployment.isDemo }, 'deployment');
  if (!options.orders) {
    const source = describeOrderSource(config.orders);
    logger.info({ orders: source }, 'order source');
    if (source.name === 'demo' && !deployment.isDemo) logger.warn('only the demo deployment has demo orders: this one answers "order not found" until ORDERS_API_URL or SHOPIFY_* is set');
  }
  await store.migrate();
  if (options.seed !== false) await seedDeployment(store, clock, deployment);
  const demoData = await demoDataWarning(store, config.database, deployment);
  if (demoData) logger.warn(demoData);
  if (await ensureFirstAdmin(store, clock, config.firstAdmin)) logger.info('first admin created from FRONTDESK_ADMIN_EMAIL');

  const modelCacheDir = options.modelCacheDir === undefined ? config.modelCacheDir : options.modelCacheDir;
  // Training is most of a first start; without a word here the server looks stuck for a minute.
  const preparing = performance.now();
  if (!options.engine) logger.info({ modelCacheDir }, 'preparing the triage model (the first start of a deployment trains it, a minute or so; later starts read it from modelCacheDir)');
  const localEngine =
    options.engine ??
    (await createDeploymentEngine({
      deployment: { ...deployment, graph },
      store,
      cacheDir: modelCacheDir,
      confidenceThreshold: config.confidenceThreshold,
      onKnowledgeError: (error) => logger.warn({ err: error }, 'knowledge refresh failed; the engine keeps the previous articles'),
    }));
  if (!options.engine) logger.info({ ms: Math.round(performance.now() - preparing) }, 'triage model ready');
  // With a model provider configured the agents run on it; the embedded engine answers when it fails.
  // @openai/agents (~47 MB resident) is imported only when a model provider is configured.
  const engine =
    !options.engine && config.openai
      ? (await import('../../agents/engines/openai/index.ts')).createOpenAIEngine(config.openai, {
          graph,
          brand: deployment.settings.brand,
          fallback: localEngine,
          confidenceThreshold: config.confidenceThreshold,
          logger,
          callAction: createActionCaller(graph.actions, { secret: config.secret, logger }),
        })
      : localEngine;

  // Replicas sharing PostgreSQL share live updates too; alone on SQLite, memory is enough.
  const bus: EventBus & { close?(): Promise<void> } =
    config.database.kind === 'postgres'
      ? await createPgNotifyBus({ url: config.database.url, store, logger })
      : createMemoryBus((error) => logger.warn({ err: error }, 'event listener failed'));
  const escalations = createEscalations((error) => logger.error({ err: error }, 'escalation listener failed'));
  const authenticateStaff = (token: string) => authenticateStaffToken(store, clock, token);

  const adapters: ChannelAdapter<Hono>[] = [
    createWebAdapter({ maxMessageChars: config.limits.maxMessageChars, waitTimeoutMs: 30_000, identitySecret: config.widget.identitySecret }, { authenticateStaff }),
    // A channel the deployment turned off stays off even with its credentials set.
    ...(options.adapters?.filter((a) => deployment.settings.channels.includes(a.kind)) ??
      (await providerChannels(config, logger, deployment.settings.channels))),
  ];
  const metrics = createFrontdeskMetrics({
    outboxPending: () => store.repo.countPendingJobs(),
    outboxOldestPendingAt: () => store.repo.oldestPendingJobAt(),
    ...(store.poolStats ? { databasePool: store.poolStats.bind(store) } : {}),
    now: clock.now,
  });
  countHandoffs(escalations, metrics);
  const channels = countDeliveries(createChannelRegistry(adapters), metrics);
  const webhookSender = createWebhookSender(config.webhooks);
  const outbox = createOutbox({ store, channels, webhooks: webhookSender, bus, clock, logger, options: config.outbox });
  deliverNow = outbox.deliver;
  const webhooks = createWebhooks({ store, sender: webhookSender, clock });
  const serviceLevels = createServiceLevels(deployment.settings);
  const support = createSupportDesk({ store, outbox, escalations, bus, clock, serviceLevels });
  const pipeline = countReceived(createPipeline({
    store,
    engine: timeEngine(engine, metrics),
    orders,
    outbox,
    escalations,
    bus,
    clock,
    logger,
    serviceLevels,
    options: {
      assignment: deployment.settings.assignment,
      reopenWindowMs: config.sms ? { sms: config.sms.newConversationMs } : {},
      fallback: { agent: agentForRoute(graph, graph.triage.fallbackRoute).name, route: graph.triage.fallbackRoute },
    },
  }), metrics);

  const channel = createChannelContext({ store, pipeline, support, bus, logger, clock });
  // Each adapter gets the core once; the app mounts the HTTP endpoints it answers.
  const channelRoutes = adapters.flatMap((adapter) => adapter.attach?.(channel) ?? []);
  const loginThrottle = createLoginThrottle(clock, { ...DEFAULT_LOGIN_THROTTLE, ...config.rateLimits.login });
  const staffConsole = createConsole({ store, clock, logger, publicUrl: config.publicUrl, sessionSecret: config.sessionSecret, loginThrottle });
  /** Set once start() has started every channel; /readyz reports it. */
  let channelsStarted = false;
  const app: Hono = createApp({
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
      webhooks,
      knowledgeChanged: knowledgeReload(localEngine),
    },
    widgetOrigins: config.widget.allowedOrigins,
    metrics,
    metricsToken: config.metricsToken,
    trustProxy: config.trustProxy,
    rateLimits: config.rateLimits,
    readiness: frontdeskReadiness(store, () => channelsStarted),
    // The console SPA and its login under /console; widget.js and the demo store page at the root.
    mounts: [
      { path: '/console', app: staffConsole.app },
      { path: '/', app: createWidgetRoutes({ logger }) },
    ],
  });

  let timer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;
  /** One pass of background work: due deliveries, unanswered messages, idle conversations. */
  async function sweep(pendingOlderThanMs = 30_000) {
    await outbox.drain().catch((error) => logger.error({ err: error }, 'outbox drain failed'));
    await pipeline.recoverPending(pendingOlderThanMs).catch((error) => logger.error({ err: error }, 'recovery failed'));
    await support.autoResolveIdle(config.autoResolveMs).catch((error) => logger.error({ err: error }, 'auto-resolve failed'));
  }

  return {
    app,
    deployment,
    store,
    pipeline,
    support,
    outbox,
    webhooks,
    bus,
    engine,
    orders,
    logger,
    clock,
    adapters,
    channel,
    metrics,
    sweep,
    /** Resolves once the webhook deliveries started right after their changes committed have settled. */
    async deliveriesIdle() {
      await Promise.all(deliveries);
    },
    /** Starts pollers and the background sweep; picks up work a crashed process left behind. */
    async start(intervalMs = 2_000) {
      for (const adapter of adapters) await adapter.start?.();
      channelsStarted = true;
      const tick = (olderThanMs?: number) => {
        sweeping ??= sweep(olderThanMs).finally(() => (sweeping = null));
      };
      // Nothing is in flight in a process that just started: everything pending was left behind.
      tick(0);
      timer = setInterval(() => tick(), intervalMs);
      timer.unref();
    },
    async stop() {
      channelsStarted = false;
      if (timer) clearInterval(timer);
      await sweeping;
      for (const adapter of adapters) await adapter.stop?.();
      await pipeline.idle();
      await Promise.all(deliveries);
      await bus.close?.();
      metrics.close();
      await store.close();
    },
  };
}

/** Serves the app over HTTP; resolves once listening, rejects with what to change when it cannot (port in use, bad HOST). */
export function listen(app: Hono, port: number, host: string): Promise<ServerType> {
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, () => resolvePromise(server));
    server.once('error', (error) => reject(listenError(error, port, host)));
  });
}
