/**
 * Start-up seeding shared by the composition roots (Node's node.ts, Workers' worker.ts).
 */
import { demoOrders } from '../../config/demo/orders.ts';
import type { Deployment } from '../../config/deployment/index.ts';
import type { Clock, Store } from '../core/ports.ts';

/**
 * Loads the deployment's own data into its database. Every deployment's kb/ articles are imported
 * by slug: an article whose slug is not stored yet is added, a stored one is left as staff edited
 * it (`frontdesk kb import` replaces articles on purpose). The demo keeps its first-start seeding
 * (articles into an empty knowledge base) and is the only deployment whose demo orders are
 * seeded: any other reads orders from its own order source, and its database never holds a demo row.
 */
export async function seedDeployment(store: Store, clock: Clock, deployment: Deployment): Promise<{ articles: number; orders: number }> {
  let articles = 0;
  let orders = 0;
  // As it always has, the demo fills an empty knowledge base once; any other adds the slugs not stored yet.
  const missing = deployment.isDemo
    ? (await store.repo.countArticles()) > 0
      ? []
      : deployment.articles
    : await store.repo.listArticles().then((stored) => {
        const slugs = new Set(stored.map((a) => a.slug));
        return deployment.articles.filter((a) => !slugs.has(a.slug));
      });
  if (missing.length > 0) {
    const now = clock.now();
    // One transaction: a failing article leaves the knowledge base as it was.
    await store.transaction(async (repo) => {
      for (const article of missing) {
        await repo.upsertArticle({ ...article, now });
        articles += 1;
      }
    });
  }
  if (deployment.isDemo && !(await store.repo.getOrder('NW-10001'))) {
    await store.transaction(async (repo) => {
      for (const order of demoOrders(clock.now())) {
        await repo.upsertOrder(order);
        orders += 1;
      }
    });
  }
  return { articles, orders };
}
