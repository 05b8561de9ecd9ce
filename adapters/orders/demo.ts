/** The demo deployment's orders: the store's own orders table (seeded from config/demo/orders.ts). */
import type { OrderSource, Repository } from '../../src/core/ports.ts';

export function createDemoOrderSource(repo: Pick<Repository, 'getOrder' | 'ordersForEmail'>): OrderSource {
  return {
    name: 'demo',
    getOrder: (orderId) => repo.getOrder(orderId),
    ordersForEmail: (email) => repo.ordersForEmail(email),
  };
}
