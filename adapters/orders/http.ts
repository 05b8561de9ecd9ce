/**
 * The generic HTTP order source: the company's own order API, described by two URL templates, an
 * optional auth header and a declarative field mapping (mapping.ts). No code per shop.
 */
import { OrderSourceError } from '../../src/core/errors.ts';
import type { Logger, OrderSource } from '../../src/core/ports.ts';
import type { Order } from '../../src/core/types.ts';
import { MappingMiss, mapOrder, readPath, type OrderMapping } from './mapping.ts';
import { DEFAULT_POLICY, requestJson, type RequestPolicy, type Sleep } from './request.ts';

export interface HttpOrderSourceConfig {
  /** Template with `{orderId}`: `https://shop.example.com/api/orders/{orderId}`. */
  url: string;
  /** Template with `{email}`; without it, lookups by email find nothing. */
  emailUrl: string | null;
  /** Sent with every request; its value is a secret and never logged. */
  authHeader: { name: string; value: string } | null;
  mapping: OrderMapping;
  /** Where the mapping came from, for error messages (`ORDERS_API_MAPPING`). */
  mappingSource?: string;
}

export interface HttpOrderSourceDeps {
  policy?: Partial<RequestPolicy>;
  logger?: Logger;
  sleep?: Sleep;
  fetch?: typeof fetch;
}

const SOURCE = 'http';

/** Fills a template's placeholder with the URL-encoded value. */
export function fillTemplate(template: string, placeholder: string, value: string): string {
  return template.replaceAll(`{${placeholder}}`, encodeURIComponent(value));
}

export function createHttpOrderSource(config: HttpOrderSourceConfig, deps: HttpOrderSourceDeps = {}): OrderSource {
  const policy = { ...DEFAULT_POLICY, ...deps.policy };
  const headers: Record<string, string> = config.authHeader ? { [config.authHeader.name]: config.authHeader.value } : {};
  const mappingSource = config.mappingSource ?? 'the order mapping';
  const context = (describe: string) => ({
    describe,
    authHint: `check ORDERS_API_AUTH_HEADER${config.authHeader ? ` (${config.authHeader.name})` : ' (not set)'}`,
    sleep: deps.sleep,
    fetch: deps.fetch,
  });

  function map(raw: unknown, describe: string): Order {
    try {
      return mapOrder(config.mapping, raw);
    } catch (error) {
      if (!(error instanceof MappingMiss)) throw error;
      throw new OrderSourceError(SOURCE, 'mapping', `${describe}: ${error.message}; check ${mappingSource}`, { cause: error });
    }
  }

  return {
    name: SOURCE,
    async getOrder(orderId) {
      const describe = 'The order API (one order)';
      const answer = await requestJson(SOURCE, fillTemplate(config.url, 'orderId', orderId), { headers }, policy, context(describe));
      if (answer.status === 404) return null;
      let found = config.mapping.order ? readPath(answer.body, config.mapping.order) : answer.body;
      // Some APIs answer a search (`?name=1001`) with a list: the first hit is the order.
      if (Array.isArray(found)) found = found[0] ?? null;
      if (found === null) return null;
      if (found === undefined || typeof found !== 'object') {
        throw new OrderSourceError(SOURCE, 'mapping', `${describe}: no order object at "${config.mapping.order ?? '(the whole body)'}"; check "order" in ${mappingSource}`);
      }
      return map(found, describe);
    },
    async ordersForEmail(email) {
      if (!config.emailUrl) return [];
      const describe = 'The order API (orders by email)';
      const answer = await requestJson(SOURCE, fillTemplate(config.emailUrl, 'email', email), { headers }, policy, context(describe));
      if (answer.status === 404) return [];
      const list = config.mapping.orders ? readPath(answer.body, config.mapping.orders) : answer.body;
      if (list === null) return [];
      if (!Array.isArray(list)) {
        throw new OrderSourceError(SOURCE, 'mapping', `${describe}: no list of orders at "${config.mapping.orders ?? '(the whole body)'}"; check "orders" in ${mappingSource}`);
      }
      const orders = list.map((raw) => map(raw, describe));
      // A safety net: order details go only to their own customer, even if the API's search is loose.
      const own = orders.filter((order) => order.contactEmail.toLowerCase() === email.toLowerCase());
      if (own.length < orders.length) deps.logger?.warn({ dropped: orders.length - own.length }, 'order API returned orders of other email addresses; dropped');
      return own.sort((a, b) => b.placedAt - a.placedAt).slice(0, 20);
    },
  };
}
