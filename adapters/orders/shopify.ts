/**
 * The Shopify order source: the Admin GraphQL API (`POST /admin/api/<version>/graphql.json`, token
 * in `X-Shopify-Access-Token`). An order by its name (`#1001`), a customer's orders by email, and
 * fulfilment tracking. Shopify's cost-based throttling (`THROTTLED`) is waited out for the restore
 * time its answer reports, capped; a refused token is named as a configuration problem.
 */
import { OrderSourceError } from '../../src/core/errors.ts';
import type { Logger, OrderSource } from '../../src/core/ports.ts';
import type { Order } from '../../src/core/types.ts';
import { DEFAULT_POLICY, realSleep, requestJson, retryWait, type RequestPolicy, type Sleep } from './request.ts';

export interface ShopifyOrderSourceConfig {
  /** `northwind.myshopify.com`; null only when `apiUrl` is set. */
  shopDomain: string | null;
  adminToken: string;
  apiVersion: string;
  /** Replaces `https://<shopDomain>` (tests, proxies); the path stays Shopify's. */
  apiUrl: string | null;
}

export interface ShopifyOrderSourceDeps {
  policy?: Partial<RequestPolicy>;
  logger?: Logger;
  sleep?: Sleep;
  fetch?: typeof fetch;
}

const SOURCE = 'shopify';

/**
 * Everything one answer needs. Shopify prices a query by the most it could return (`first` ×
 * nested `first`s, with the variables' values) and refuses one above 1,000 points, so a list of
 * orders asks for fewer line items per order than a single order does.
 */
export const ORDERS_QUERY = `query FrontdeskOrders($query: String!, $first: Int!, $lines: Int!) {
  orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) {
    nodes {
      name
      email
      phone
      createdAt
      cancelledAt
      displayFulfillmentStatus
      returnStatus
      currencyCode
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: $lines) { nodes { title quantity sku originalUnitPriceSet { shopMoney { amount currencyCode } } } }
      fulfillments(first: 5) {
        status
        displayStatus
        createdAt
        inTransitAt
        deliveredAt
        estimatedDeliveryAt
        trackingInfo(first: 1) { company number url }
      }
    }
  }
}`;

interface Money {
  shopMoney: { amount: string; currencyCode: string };
}
/** The fields of ORDERS_QUERY as Shopify returns them (see test/fixtures/shopify/). */
export interface ShopifyOrderNode {
  name: string;
  email: string | null;
  phone?: string | null;
  createdAt: string;
  cancelledAt: string | null;
  displayFulfillmentStatus: string;
  returnStatus: string;
  currencyCode: string;
  totalPriceSet: Money;
  lineItems: { nodes: { title: string; quantity: number; sku: string | null; originalUnitPriceSet: Money }[] };
  fulfillments: {
    status: string;
    displayStatus: string | null;
    createdAt: string;
    inTransitAt: string | null;
    deliveredAt: string | null;
    estimatedDeliveryAt: string | null;
    trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  }[];
}

interface GraphQlAnswer {
  data?: { orders?: { nodes?: ShopifyOrderNode[] } } | null;
  errors?: { message?: string; extensions?: { code?: string } }[] | string;
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: { currentlyAvailable?: number; restoreRate?: number } } };
}

const cents = (money: Money) => Math.round(Number(money.shopMoney.amount) * 100);
const ms = (iso: string | null | undefined) => (iso ? Date.parse(iso) : null);

/** The order's shipments that went out (not cancelled or failed). */
const liveShipments = (node: ShopifyOrderNode) => node.fulfillments.filter((f) => f.status !== 'CANCELLED' && f.status !== 'ERROR' && f.status !== 'FAILURE');

/** Shopify's statuses → Frontdesk's: cancelled and returned first, then how far fulfilment got. */
export function orderStatus(node: ShopifyOrderNode): Order['status'] {
  if (node.cancelledAt) return 'cancelled';
  if (node.returnStatus === 'RETURNED' || node.returnStatus === 'INSPECTION_COMPLETE') return 'returned';
  const shipments = liveShipments(node);
  const fulfilled = node.displayFulfillmentStatus === 'FULFILLED';
  if (fulfilled && shipments.length > 0 && shipments.every((f) => f.displayStatus === 'DELIVERED' || f.deliveredAt)) return 'delivered';
  if (fulfilled || node.displayFulfillmentStatus === 'PARTIALLY_FULFILLED') return 'shipped';
  return 'processing';
}

/** One Shopify order as a Frontdesk order; the tracking of the latest shipment that has one. */
export function toOrder(node: ShopifyOrderNode): Order {
  const shipments = liveShipments(node).sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  const tracked = [...shipments].reverse().find((f) => f.trackingInfo.some((t) => t.number || t.company));
  const tracking = tracked?.trackingInfo.find((t) => t.number || t.company);
  const status = orderStatus(node);
  const delivered = shipments.map((f) => ms(f.deliveredAt)).filter((t): t is number => t !== null);
  const estimates = shipments.map((f) => ms(f.estimatedDeliveryAt)).filter((t): t is number => t !== null);
  return {
    id: node.name,
    contactEmail: node.email ?? '',
    contactPhone: node.phone ?? null,
    status,
    items: node.lineItems.nodes.map((item) => ({ sku: item.sku ?? '', name: item.title, quantity: item.quantity, priceCents: cents(item.originalUnitPriceSet) })),
    totalCents: cents(node.totalPriceSet),
    currency: node.totalPriceSet.shopMoney.currencyCode || node.currencyCode,
    placedAt: Date.parse(node.createdAt),
    shippedAt: shipments.length > 0 ? (ms(shipments[0]!.inTransitAt) ?? Date.parse(shipments[0]!.createdAt)) : null,
    deliveredAt: status === 'delivered' && delivered.length > 0 ? Math.max(...delivered) : null,
    estimatedDelivery: status === 'shipped' && estimates.length > 0 ? Math.max(...estimates) : null,
    carrier: tracking?.company ?? null,
    trackingNumber: tracking?.number ?? null,
  };
}

/** `1001` → `#1001` (Shopify's default order name); other names are used as written. */
export function orderName(orderId: string): string | null {
  const id = orderId.trim();
  if (!/^#?[A-Za-z0-9._-]{1,40}$/.test(id)) return null;
  return /^\d+$/.test(id) ? `#${id}` : id;
}

const sameName = (a: string, b: string) => a.replace(/^#/, '').toLowerCase() === b.replace(/^#/, '').toLowerCase();
// Characters that would change the meaning of Shopify's search syntax are refused, not escaped.
const SEARCHABLE_EMAIL = /^[^\s"'():\\]+@[^\s"'():\\]+$/;

/** How long Shopify needs to restore enough query cost for the request, from its answer. */
export function throttleWaitMs(answer: GraphQlAnswer): number | undefined {
  const cost = answer.extensions?.cost;
  const needed = cost?.requestedQueryCost;
  const available = cost?.throttleStatus?.currentlyAvailable;
  const rate = cost?.throttleStatus?.restoreRate;
  if (needed === undefined || available === undefined || !rate) return undefined;
  return Math.max(0, Math.ceil(((needed - available) / rate) * 1000));
}

export function createShopifyOrderSource(config: ShopifyOrderSourceConfig, deps: ShopifyOrderSourceDeps = {}): OrderSource {
  const policy = { ...DEFAULT_POLICY, ...deps.policy };
  const sleep = deps.sleep ?? realSleep;
  const base = (config.apiUrl ?? `https://${config.shopDomain}`).replace(/\/$/, '');
  const endpoint = `${base}/admin/api/${config.apiVersion}/graphql.json`;
  const headers = { 'content-type': 'application/json', 'x-shopify-access-token': config.adminToken };

  async function orders(search: string, first: number, lines: number, describe: string): Promise<ShopifyOrderNode[]> {
    const body = JSON.stringify({ query: ORDERS_QUERY, variables: { query: search, first, lines } });
    for (let attempt = 0; ; attempt += 1) {
      const answer = await requestJson(SOURCE, endpoint, { method: 'POST', headers, body }, policy, {
        describe,
        authHint: 'check SHOPIFY_ADMIN_TOKEN (an Admin API access token of an app installed on the shop, with the read_orders scope) and SHOPIFY_SHOP_DOMAIN',
        sleep: deps.sleep,
        fetch: deps.fetch,
      });
      if (answer.status === 404) {
        throw new OrderSourceError(SOURCE, 'http_status', `${describe}: no Admin API at this address (HTTP 404); check SHOPIFY_SHOP_DOMAIN and SHOPIFY_API_VERSION`);
      }
      const result = (answer.body ?? {}) as GraphQlAnswer;
      const errors = typeof result.errors === 'string' ? [{ message: result.errors }] : (result.errors ?? []);
      if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
        if (attempt >= policy.retries) throw new OrderSourceError(SOURCE, 'throttled', `${describe}: throttled by Shopify (query cost) after ${attempt + 1} attempts`);
        await sleep(retryWait(policy, attempt, throttleWaitMs(result)));
        continue;
      }
      const nodes = result.data?.orders?.nodes;
      if (errors.length > 0) {
        const messages = errors.map((e) => e.message ?? e.extensions?.code ?? 'unknown error').join('; ').slice(0, 300);
        // Partial data (a field the token may not read) still answers the question; nothing at all does not.
        if (!Array.isArray(nodes)) throw new OrderSourceError(SOURCE, 'graphql', `${describe}: Shopify answered errors: ${messages}`);
        deps.logger?.warn({ errors: messages }, 'Shopify answered orders with errors');
      }
      if (!Array.isArray(nodes)) throw new OrderSourceError(SOURCE, 'bad_body', `${describe}: the answer has no data.orders.nodes`);
      return nodes;
    }
  }

  function convert(node: ShopifyOrderNode, describe: string): Order {
    try {
      return toOrder(node);
    } catch (error) {
      throw new OrderSourceError(SOURCE, 'bad_body', `${describe}: an order in the answer lacks fields the query asked for`, { cause: error });
    }
  }

  return {
    name: SOURCE,
    async getOrder(orderId) {
      const name = orderName(orderId);
      if (!name) return null;
      const describe = 'Shopify (order by name)';
      const [node] = await orders(`name:${name}`, 1, 50, describe);
      // Shopify's search can match loosely; only the order with exactly this name is the answer.
      return node && sameName(node.name, name) ? convert(node, describe) : null;
    },
    async ordersForEmail(email) {
      if (!SEARCHABLE_EMAIL.test(email)) return [];
      const describe = 'Shopify (orders by email)';
      const nodes = await orders(`email:${email}`, 20, 5, describe);
      return nodes.filter((n) => n.email?.toLowerCase() === email.toLowerCase()).map((n) => convert(n, describe));
    },
  };
}
