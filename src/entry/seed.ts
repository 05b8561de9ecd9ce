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
  if (deployment.isDemo && !(await holdsDemoData(store))) {
    await store.transaction(async (repo) => {
      for (const order of demoOrders(clock.now())) {
        await repo.upsertOrder(order);
        orders += 1;
      }
    });
  }
  return { articles, orders };
}

/** The demo's first order: in a database only when the demo was seeded into it. */
const DEMO_ORDER_ID = 'NW-10001';

/** Whether the demo store was seeded into this database (its orders, and its articles with them). */
async function holdsDemoData(store: Store): Promise<boolean> {
  return (await store.repo.getOrder(DEMO_ORDER_ID)) !== null;
}

/**
 * What to tell someone running their own deployment on a database the demo filled, or null when
 * the deployment is the demo or the database holds no demo data. Most often the default SQLite
 * file, after trying the demo: its articles would answer their customers.
 */
export async function demoDataWarning(
  store: Store,
  database: { kind: 'sqlite'; path: string } | { kind: 'postgres' },
  deployment: Pick<Deployment, 'isDemo' | 'name'>,
): Promise<string | null> {
  if (deployment.isDemo || !(await holdsDemoData(store))) return null;
  const where = database.kind === 'sqlite' ? `SQLITE_PATH=${database.path}` : 'DATABASE_URL';
  return `this database (${where}) holds the demo store's orders and articles, seeded when the demo ran on it; give this deployment its own, e.g. SQLITE_PATH=./data/${deployment.name}.db`;
}
