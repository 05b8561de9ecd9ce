/**
 * Picks the company's order source from the configuration: Shopify when its variables are set,
 * else the generic HTTP API when ORDERS_API_URL is set, else the demo table. Remote sources get
 * the short cache in front.
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../config/env.ts';
import { ConfigError } from '../../src/core/errors.ts';
import type { Clock, Logger, OrderSource, Repository } from '../../src/core/ports.ts';
import { withOrderCache } from './cache.ts';
import { createDemoOrderSource } from './demo.ts';
import { createHttpOrderSource, fillTemplate } from './http.ts';
import { parseOrderMapping, type OrderMapping } from './mapping.ts';
import type { RequestPolicy, Sleep } from './request.ts';
import { createShopifyOrderSource } from './shopify.ts';

export { parseOrderMapping, type OrderMapping } from './mapping.ts';

type OrdersConfig = Config['orders'];

export interface OrderSourceDeps {
  /** The store's repository: the demo source reads its orders table. */
  repo: Pick<Repository, 'getOrder' | 'ordersForEmail'>;
  logger?: Logger;
  clock?: Clock;
  /** Test hooks: backoff and the cap on waits, and a sleep that records instead of waiting. */
  policy?: Partial<RequestPolicy>;
  sleep?: Sleep;
  /** The deployment's mapping (orders.mapping in deployment.yaml), used when neither ORDERS_API_MAPPING nor ORDERS_API_MAPPING_FILE is set. */
  deploymentMapping?: OrderMapping | null;
}

/** Where the deployment's own mapping comes from, as errors name it. */
export const DEPLOYMENT_MAPPING_SOURCE = 'orders.mapping in deployment.yaml';

/** Which source runs and why, in words for `frontdesk doctor` and the start-up log. */
export function describeOrderSource(config: OrdersConfig): { name: 'shopify' | 'http' | 'demo'; why: string } {
  if (config.shopify) {
    const where = config.shopify.apiUrl ?? config.shopify.shopDomain;
    return { name: 'shopify', why: `SHOPIFY_ADMIN_TOKEN is set: Admin GraphQL API ${config.shopify.apiVersion} at ${where}${config.http ? ' (ORDERS_API_URL is ignored)' : ''}` };
  }
  if (config.http) {
    const host = new URL(fillTemplate(config.http.url, 'orderId', 'x')).host;
    const parts = [`ORDERS_API_URL is set: ${host}`, config.http.emailUrl ? 'lookups by email on' : 'no ORDERS_API_EMAIL_URL, so no lookups by email'];
    if (config.http.authHeader) parts.push(`auth header ${config.http.authHeader.name}`);
    return { name: 'http', why: parts.join(', ') };
  }
  return { name: 'demo', why: 'neither SHOPIFY_ADMIN_TOKEN nor ORDERS_API_URL is set: the demo orders table' };
}

/** Reads and validates the HTTP source's mapping (ORDERS_API_MAPPING or ORDERS_API_MAPPING_FILE). */
export function loadOrderMapping(mapping: NonNullable<NonNullable<OrdersConfig['http']>['mapping']>): OrderMapping {
  let text: string;
  let source: string;
  if (mapping.kind === 'json') {
    text = mapping.json;
    source = mapping.variable;
  } else {
    source = `${mapping.variable} (${mapping.path})`;
    try {
      text = readFileSync(mapping.path, 'utf8');
    } catch (error) {
      throw new ConfigError(`${mapping.variable}: cannot read ${mapping.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  return parseOrderMapping(data, source);
}

/** The order source the configuration asks for; a bad mapping throws ConfigError at start-up. */
export function createOrderSource(config: OrdersConfig, deps: OrderSourceDeps): OrderSource {
  const policy: Partial<RequestPolicy> = { timeoutMs: config.timeoutMs, retries: config.retries, maxResponseBytes: config.maxResponseBytes, ...deps.policy };
  const cache = { ttlMs: config.cacheMs, clock: deps.clock };
  if (config.shopify) {
    return withOrderCache(createShopifyOrderSource(config.shopify, { policy, logger: deps.logger, sleep: deps.sleep }), cache);
  }
  if (config.http) {
    const mapping = config.http.mapping ? loadOrderMapping(config.http.mapping) : deps.deploymentMapping;
    if (!mapping) {
      throw new ConfigError(`ORDERS_API_MAPPING: required when ORDERS_API_URL is set (or ORDERS_API_MAPPING_FILE, or ${DEPLOYMENT_MAPPING_SOURCE}) (see README, "Connecting orders")`);
    }
    const mappingSource = config.http.mapping?.variable ?? DEPLOYMENT_MAPPING_SOURCE;
    const source = createHttpOrderSource(
      { url: config.http.url, emailUrl: config.http.emailUrl, authHeader: config.http.authHeader, mapping, mappingSource },
      { policy, logger: deps.logger, sleep: deps.sleep },
    );
    return withOrderCache(source, cache);
  }
  return createDemoOrderSource(deps.repo);
}
