/**
 * Every setting Frontdesk reads, in one zod schema, parsed once at start-up. Nothing else reads
 * process.env. A bad value fails start-up with a message naming the variable and an example.
 * A channel whose credentials are absent is off (its section is null).
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../src/core/errors.ts';
import { packagePath } from './package-root.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
// zod's own words for these ("expected number, received NaN") leave the reader to guess what to write.
const number = (error = 'must be a number') => z.coerce.number({ error });
const int = (min = 0) => number('must be a whole number').int({ error: 'must be a whole number' }).min(min);
const url = z.url();
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

/** Variable → [schema, example shown when it is wrong, one-line description for README/doctor]. */
const VARIABLES = {
  FRONTDESK_DEPLOYMENT: [z.string().min(1).optional(), './my-shop', 'the deployment directory: deployment.yaml, agents.yaml, kb/, training/ (default: the bundled demo)'],
  PORT: [int(1).max(65535).default(3000), '3000', 'HTTP port'],
  HOST: [z.string().default('0.0.0.0'), '0.0.0.0', 'interface to listen on'],
  LOG_LEVEL: [z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'), 'info', 'log level'],
  DATABASE_URL: [z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(), 'postgres://frontdesk@localhost:5432/frontdesk', 'PostgreSQL instead of the embedded SQLite'],
  SQLITE_PATH: [z.string().min(1).default('./data/frontdesk.db'), './data/frontdesk.db', 'SQLite file when DATABASE_URL is unset'],
  PUBLIC_URL: [url.optional(), 'https://support.example.com', 'the URL customers and providers reach Frontdesk at (default: http://localhost:PORT)'],
  TRUST_PROXY: [bool.default(false), 'true', 'honour X-Forwarded-Proto/Host from a reverse proxy, and take the client address for rate limits from the last X-Forwarded-For entry'],
  MAX_BODY_BYTES: [int(1024).default(65536), '65536', 'largest accepted JSON body'],
  MAX_MESSAGE_CHARS: [int(1).default(8000), '8000', 'longest accepted message text'],
  CONFIDENCE_THRESHOLD: [number().min(0).max(1).optional(), '0.6', 'below it, messages go to humans (default: confidenceThreshold in deployment.yaml)'],
  AUTO_RESOLVE_HOURS: [number().positive().default(24), '24', 'bot conversations idle this long count as resolved by the bot'],
  OUTBOX_MAX_AGE_HOURS: [number().positive().default(24), '24', 'a reply that could not be delivered is retried this long, then marked failed (staff can resend it)'],
  OUTBOX_MAX_BACKOFF_SECONDS: [int(1).default(600), '600', "longest wait between two delivery attempts (a provider's Retry-After may ask for longer)"],
  OUTBOX_LEASE_SECONDS: [int(1).default(60), '60', 'a delivery attempt not settled within this time (its process died) is taken up again; longer than a provider call takes'],
  WEBHOOK_TIMEOUT_SECONDS: [int(1).max(60).default(10), '10', 'an outgoing webhook request without an answer after this long is retried later'],
  WEBHOOKS_ALLOW_PRIVATE_URLS: [bool.default(false), 'false', 'let webhook subscriptions call loopback and private network addresses (off: such URLs are refused)'],
  // Operations
  METRICS_TOKEN: [z.string().min(16, 'must be at least 16 characters').optional(), 'a-long-random-scrape-token', 'serves Prometheus metrics at /metrics to `Authorization: Bearer <token>` (unset: /metrics answers 404)'],
  RATE_LIMIT_CONVERSATIONS_PER_MINUTE: [int(0).default(10), '10', 'new web conversations per client address per minute, after a burst (0: no limit)'],
  RATE_LIMIT_CONVERSATIONS_BURST: [int(1).default(20), '20', 'new web conversations a client address may start at once'],
  RATE_LIMIT_MESSAGES_PER_MINUTE: [int(0).default(60), '60', 'web messages posted per client address per minute, after a burst (0: no limit)'],
  RATE_LIMIT_MESSAGES_BURST: [int(1).default(60), '60', 'web messages a client address may post at once'],
  SSE_MAX_PER_CONVERSATION: [int(1).default(5), '5', 'open event streams per web conversation'],
  SSE_MAX_PER_ADDRESS: [int(1).default(50), '50', 'open web event streams per client address'],
  LOGIN_FREE_FAILURES: [int(1).default(3), '3', 'failed console sign-ins per (address, email) before each further attempt waits, the wait doubling per failure'],
  LOGIN_FREE_FAILURES_PER_ADDRESS: [int(1).default(20), '20', 'failed console sign-ins per address (any email) before delays start'],
  WIDGET_ALLOWED_ORIGINS: [list.default(['*']), 'https://shop.example.com,https://example.com', 'origins allowed to embed the web widget'],
  WIDGET_IDENTITY_SECRET: [z.string().min(16).optional(), 'a-long-random-secret', 'HMAC secret for signed-in widget visitors'],
  SESSION_SECRET: [z.string().min(16).optional(), 'another-long-random-secret', 'signs console session cookies (random per start when unset)'],
  FRONTDESK_ADMIN_EMAIL: [z.string().trim().toLowerCase().regex(/^[^@\s]+@[^@\s]+$/, 'must be an email address').optional(), 'lead@example.com', 'with FRONTDESK_ADMIN_PASSWORD: the first admin, created at start-up while there is no staff user (where no CLI reaches the store: Workers, containers)'],
  FRONTDESK_ADMIN_PASSWORD: [z.string().min(12, 'must be at least 12 characters').optional(), 'a-long-first-password', "the first admin's password (used only while there is no staff user; change it in the console afterwards)"],
  // SMS (Twilio)
  TWILIO_ACCOUNT_SID: [z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits').optional(), 'AC0123456789abcdef0123456789abcdef', 'Twilio account SID'],
  TWILIO_AUTH_TOKEN: [z.string().min(1).optional(), '(from the Twilio console)', 'Twilio auth token; also validates webhook signatures'],
  TWILIO_FROM_NUMBER: [z.string().optional(), '+15005550006', 'the support number replies are sent from'],
  TWILIO_MESSAGING_SERVICE_SID: [z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(), 'MG0123456789abcdef0123456789abcdef', 'send through a Messaging Service instead of a number'],
  TWILIO_API_URL: [url.optional(), 'http://127.0.0.1:4010', 'override the Twilio API base URL (tests, proxies)'],
  SMS_HELP_TEXT: [z.string().default('Frontdesk support: reply with your question. Reply STOP to unsubscribe.'), '"Acme support…"', 'answer to HELP/INFO'],
  SMS_MAX_SEGMENTS: [int(1).default(3), '3', 'longest SMS reply in segments before it is shortened with a link'],
  SMS_NEW_CONVERSATION_HOURS: [number().positive().default(24), '24', 'a resolved SMS conversation older than this starts a new one'],
  SMS_MAX_MEDIA_BYTES: [int(0).default(5_000_000), '5000000', 'largest MMS media fetched and stored'],
  // Slack
  SLACK_BOT_TOKEN: [z.string().startsWith('xoxb-').optional(), 'xoxb-…', 'Slack bot token'],
  SLACK_SIGNING_SECRET: [z.string().min(1).optional(), '(from the Slack app page)', 'verifies Slack request signatures'],
  SLACK_APP_TOKEN: [z.string().startsWith('xapp-').optional(), 'xapp-…', 'Socket Mode instead of HTTP events'],
  SLACK_SUPPORT_CHANNEL: [z.string().optional(), 'C0123456789', 'channel where escalated conversations are posted'],
  SLACK_API_URL: [url.optional(), 'http://127.0.0.1:4011/api/', 'override the Slack Web API base URL (tests)'],
  // Email
  EMAIL_IMAP_URL: [z.string().regex(/^imaps?:\/\//, 'must start with imap:// or imaps://').optional(), 'imaps://support%40example.com:app-password@imap.example.com:993', 'mailbox to read'],
  EMAIL_SMTP_URL: [z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(), 'smtp://support%40example.com:app-password@smtp.example.com:587', 'server to send through (STARTTLS on 587, TLS with smtps://)'],
  EMAIL_ADDRESS: [z.email().optional(), 'support@example.com', 'the support address customers write to'],
  EMAIL_FOLDER: [z.string().default('INBOX'), 'INBOX', 'folder to watch'],
  EMAIL_HANDLED_FOLDER: [z.string().optional(), 'Processed', 'move handled mail here instead of marking it \\Seen'],
  EMAIL_MAX_ATTACHMENT_BYTES: [int(0).default(10_000_000), '10000000', 'larger attachments are noted, not stored'],
  RESEND_API_KEY: [z.string().min(1).optional(), 're_…', 'Workers build: send email replies through Resend\'s HTTP API (mail comes in through Email Workers to EMAIL_ADDRESS)'],
  RESEND_API_URL: [url.optional(), 'http://127.0.0.1:4012', 'override the Resend API base URL (tests, proxies)'],
  // Model engine
  OPENAI_API_KEY: [z.string().min(1).optional(), 'sk-…', 'run the agents on an OpenAI-compatible model'],
  OPENAI_BASE_URL: [url.optional(), 'http://localhost:11434/v1', 'any OpenAI-compatible endpoint (Azure, Ollama, vLLM)'],
  OPENAI_MODEL: [z.string().default('gpt-4.1-mini'), 'gpt-4.1-mini', 'model name'],
  OPENAI_TIMEOUT_MS: [int(1).default(30_000), '30000', 'per request'],
  OPENAI_MAX_CONCURRENCY: [int(1).default(8), '8', 'model calls in flight per process'],
  OPENAI_TOKEN_BUDGET: [int(1).default(50_000), '50000', 'tokens per conversation before it goes to humans'],
  // Orders: Shopify when its variables are set, else the generic HTTP API, else the demo table
  ORDERS_API_URL: [z.string().regex(/^https?:\/\/\S*\{orderId\}/, 'must be an http(s) URL containing {orderId}').optional(), 'https://shop.example.com/api/orders/{orderId}', 'your order API: one order by id ({orderId} is URL-encoded)'],
  ORDERS_API_EMAIL_URL: [z.string().regex(/^https?:\/\/\S*\{email\}/, 'must be an http(s) URL containing {email}').optional(), 'https://shop.example.com/api/orders?email={email}', "your order API: a customer's orders by email"],
  ORDERS_API_AUTH_HEADER: [z.string().regex(/^[A-Za-z0-9-]+:\s*\S/, 'must look like Header-Name: value').optional(), 'Authorization: Bearer abc123', 'header sent with every order API request (never logged)'],
  ORDERS_API_MAPPING: [z.string().optional(), '{"order":"order","fields":{"id":"name",…}}', "how the order API's JSON maps onto an order (see Connecting orders)"],
  ORDERS_API_MAPPING_FILE: [z.string().optional(), './order-mapping.json', 'the same mapping, from a JSON file'],
  ORDERS_TIMEOUT_MS: [int(1).default(5_000), '5000', 'per order-system request'],
  ORDERS_RETRIES: [int(0).max(5).default(2), '2', 'retries after a network error, 5xx, 429 or Shopify throttling'],
  ORDERS_CACHE_SECONDS: [int(0).default(30), '30', 'how long an order answer is reused (0: never)'],
  ORDERS_MAX_RESPONSE_BYTES: [int(1024).default(1_000_000), '1000000', 'larger order-system answers are refused'],
  SHOPIFY_SHOP_DOMAIN: [z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be the shop's myshopify.com domain").optional(), 'northwind.myshopify.com', 'read orders from this Shopify shop'],
  SHOPIFY_ADMIN_TOKEN: [z.string().min(1).optional(), 'shpat_…', 'Admin API access token of a custom app with the read_orders scope'],
  SHOPIFY_API_VERSION: [z.string().regex(/^(\d{4}-\d{2}|unstable)$/, 'must look like 2025-10').default('2025-10'), '2025-10', 'Admin GraphQL API version'],
  SHOPIFY_API_URL: [url.optional(), 'http://127.0.0.1:4012', "replaces the shop's https:// address (tests, proxies)"],
} as const;

type Vars = typeof VARIABLES;
type Env = { [K in keyof Vars]: z.output<Vars[K][0]> };

const schema = z.object(Object.fromEntries(Object.entries(VARIABLES).map(([k, [s]]) => [k, s])) as { [K in keyof Vars]: Vars[K][0] });

export function describeVariables(): { name: string; example: string; description: string }[] {
  return Object.entries(VARIABLES).map(([name, [, example, description]]) => ({ name, example, description }));
}

/** Parses settings from an environment (process.env on Node, the Workers env later). */
export function loadConfig(source: Record<string, string | undefined>) {
  // An empty variable means unset, as in most .env tooling.
  const input = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof Vars;
      return `${name}: ${issue.message} (example: ${name}=${VARIABLES[name]?.[1] ?? '…'})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const env = parsed.data as Env;
  const problems = orderSettingProblems(env).map(([name, message]) => `${name}: ${message} (example: ${name}=${VARIABLES[name][1]})`);
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return toConfig(env, input);
}

/**
 * Order settings that only make sense together. Half a configuration must not fall back to the
 * demo orders silently: customers would be told their real orders do not exist.
 */
function orderSettingProblems(env: Env): [keyof Vars, string][] {
  const problems: [keyof Vars, string][] = [];
  if (Boolean(env.FRONTDESK_ADMIN_EMAIL) !== Boolean(env.FRONTDESK_ADMIN_PASSWORD)) problems.push([env.FRONTDESK_ADMIN_EMAIL ? 'FRONTDESK_ADMIN_PASSWORD' : 'FRONTDESK_ADMIN_EMAIL', 'FRONTDESK_ADMIN_EMAIL and FRONTDESK_ADMIN_PASSWORD go together']);
  if (env.SHOPIFY_SHOP_DOMAIN && !env.SHOPIFY_ADMIN_TOKEN) problems.push(['SHOPIFY_ADMIN_TOKEN', 'required when SHOPIFY_SHOP_DOMAIN is set']);
  if (env.SHOPIFY_ADMIN_TOKEN && !env.SHOPIFY_SHOP_DOMAIN && !env.SHOPIFY_API_URL) problems.push(['SHOPIFY_SHOP_DOMAIN', 'required when SHOPIFY_ADMIN_TOKEN is set']);
  const httpParts = ['ORDERS_API_EMAIL_URL', 'ORDERS_API_AUTH_HEADER', 'ORDERS_API_MAPPING', 'ORDERS_API_MAPPING_FILE'] as const;
  for (const name of httpParts) if (env[name] && !env.ORDERS_API_URL) problems.push(['ORDERS_API_URL', `required when ${name} is set`]);
  // Without either, the mapping comes from the deployment (orders.mapping in deployment.yaml), checked at start-up.
  if (env.ORDERS_API_MAPPING && env.ORDERS_API_MAPPING_FILE) problems.push(['ORDERS_API_MAPPING_FILE', 'set either ORDERS_API_MAPPING or ORDERS_API_MAPPING_FILE, not both']);
  return problems;
}

/** `Name: value` → its two parts (the value is a secret: never logged). */
function splitHeader(header: string): { name: string; value: string } {
  const at = header.indexOf(':');
  return { name: header.slice(0, at).trim(), value: header.slice(at + 1).trim() };
}

function toConfig(env: Env, input: Record<string, string | undefined>) {
  const both = <T>(a: unknown, b: unknown, build: () => T) => (a && b ? build() : null);
  const database = env.DATABASE_URL
    ? ({ kind: 'postgres', url: env.DATABASE_URL } as const)
    : ({ kind: 'sqlite', path: env.SQLITE_PATH } as const);
  return {
    /** The deployment directory (null: the bundled demo); see config/deployment. */
    deploymentDir: env.FRONTDESK_DEPLOYMENT ?? null,
    /**
     * Reads a variable the deployment names (`${WARRANTY_API_TOKEN}` in a custom action's auth in
     * agents.yaml): the only way to a variable outside this schema. Its value is a secret, never logged.
     */
    secret: (name: string): string | undefined => input[name],
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    database,
    // The trained triage model is cached beside the SQLite file, else in the package's data/.
    modelCacheDir:
      database.kind === 'sqlite' && database.path !== ':memory:'
        ? dirname(resolve(database.path))
        : packagePath('data'),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, ''),
    trustProxy: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN ?? null,
    rateLimits: {
      conversations: env.RATE_LIMIT_CONVERSATIONS_PER_MINUTE > 0 ? { perMinute: env.RATE_LIMIT_CONVERSATIONS_PER_MINUTE, burst: env.RATE_LIMIT_CONVERSATIONS_BURST } : null,
      messages: env.RATE_LIMIT_MESSAGES_PER_MINUTE > 0 ? { perMinute: env.RATE_LIMIT_MESSAGES_PER_MINUTE, burst: env.RATE_LIMIT_MESSAGES_BURST } : null,
      streamsPerConversation: env.SSE_MAX_PER_CONVERSATION,
      streamsPerAddress: env.SSE_MAX_PER_ADDRESS,
      login: { freePerAccount: env.LOGIN_FREE_FAILURES, freePerAddress: env.LOGIN_FREE_FAILURES_PER_ADDRESS },
    },
    limits: { maxBodyBytes: env.MAX_BODY_BYTES, maxMessageChars: env.MAX_MESSAGE_CHARS },
    confidenceThreshold: env.CONFIDENCE_THRESHOLD,
    autoResolveMs: env.AUTO_RESOLVE_HOURS * 3_600_000,
    outbox: { maxAgeMs: env.OUTBOX_MAX_AGE_HOURS * 3_600_000, maxDelayMs: env.OUTBOX_MAX_BACKOFF_SECONDS * 1000, leaseMs: env.OUTBOX_LEASE_SECONDS * 1000 },
    webhooks: { timeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000, allowPrivate: env.WEBHOOKS_ALLOW_PRIVATE_URLS },
    widget: { allowedOrigins: env.WIDGET_ALLOWED_ORIGINS, identitySecret: env.WIDGET_IDENTITY_SECRET ?? null },
    sessionSecret: env.SESSION_SECRET ?? null,
    firstAdmin: env.FRONTDESK_ADMIN_EMAIL && env.FRONTDESK_ADMIN_PASSWORD ? { email: env.FRONTDESK_ADMIN_EMAIL, password: env.FRONTDESK_ADMIN_PASSWORD } : null,
    sms: both(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, () => ({
      accountSid: env.TWILIO_ACCOUNT_SID!,
      authToken: env.TWILIO_AUTH_TOKEN!,
      fromNumber: env.TWILIO_FROM_NUMBER ?? null,
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID ?? null,
      apiUrl: env.TWILIO_API_URL ?? null,
      helpText: env.SMS_HELP_TEXT,
      maxSegments: env.SMS_MAX_SEGMENTS,
      newConversationMs: env.SMS_NEW_CONVERSATION_HOURS * 3_600_000,
      maxMediaBytes: env.SMS_MAX_MEDIA_BYTES,
    })),
    slack: both(env.SLACK_BOT_TOKEN, env.SLACK_SIGNING_SECRET ?? env.SLACK_APP_TOKEN, () => ({
      botToken: env.SLACK_BOT_TOKEN!,
      signingSecret: env.SLACK_SIGNING_SECRET ?? null,
      appToken: env.SLACK_APP_TOKEN ?? null,
      supportChannel: env.SLACK_SUPPORT_CHANNEL ?? null,
      apiUrl: env.SLACK_API_URL ?? null,
    })),
    email: both(env.EMAIL_IMAP_URL, env.EMAIL_SMTP_URL, () => ({
      imapUrl: env.EMAIL_IMAP_URL!,
      smtpUrl: env.EMAIL_SMTP_URL!,
      address: env.EMAIL_ADDRESS ?? null,
      folder: env.EMAIL_FOLDER,
      handledFolder: env.EMAIL_HANDLED_FOLDER ?? null,
      maxAttachmentBytes: env.EMAIL_MAX_ATTACHMENT_BYTES,
    })),
    /** Email on Workers: in through an Email Workers route to `address`, out through Resend's API. */
    emailApi: both(env.RESEND_API_KEY, env.EMAIL_ADDRESS, () => ({
      apiKey: env.RESEND_API_KEY!,
      apiUrl: env.RESEND_API_URL ?? null,
      address: env.EMAIL_ADDRESS!,
      maxAttachmentBytes: env.EMAIL_MAX_ATTACHMENT_BYTES,
    })),
    openai: env.OPENAI_API_KEY
      ? {
          apiKey: env.OPENAI_API_KEY,
          baseUrl: env.OPENAI_BASE_URL ?? null,
          model: env.OPENAI_MODEL,
          timeoutMs: env.OPENAI_TIMEOUT_MS,
          maxConcurrency: env.OPENAI_MAX_CONCURRENCY,
          tokenBudget: env.OPENAI_TOKEN_BUDGET,
        }
      : null,
    // Which order source runs is decided in adapters/orders (createOrderSource): Shopify, else HTTP, else demo.
    orders: {
      timeoutMs: env.ORDERS_TIMEOUT_MS,
      retries: env.ORDERS_RETRIES,
      cacheMs: env.ORDERS_CACHE_SECONDS * 1000,
      maxResponseBytes: env.ORDERS_MAX_RESPONSE_BYTES,
      shopify: env.SHOPIFY_ADMIN_TOKEN
        ? {
            shopDomain: env.SHOPIFY_SHOP_DOMAIN ?? null,
            adminToken: env.SHOPIFY_ADMIN_TOKEN,
            apiVersion: env.SHOPIFY_API_VERSION,
            apiUrl: env.SHOPIFY_API_URL ?? null,
          }
        : null,
      http: env.ORDERS_API_URL
        ? {
            url: env.ORDERS_API_URL,
            emailUrl: env.ORDERS_API_EMAIL_URL ?? null,
            authHeader: env.ORDERS_API_AUTH_HEADER ? splitHeader(env.ORDERS_API_AUTH_HEADER) : null,
            mapping: env.ORDERS_API_MAPPING
              ? ({ kind: 'json', json: env.ORDERS_API_MAPPING, variable: 'ORDERS_API_MAPPING' } as const)
              : env.ORDERS_API_MAPPING_FILE
                ? ({ kind: 'file', path: env.ORDERS_API_MAPPING_FILE, variable: 'ORDERS_API_MAPPING_FILE' } as const)
                : null,
          }
        : null,
    },
  };
}

export type Config = ReturnType<typeof toConfig>;
