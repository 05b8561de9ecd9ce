import { loadDeployment, resolveDeploymentDir } from '../../../config/deployment/index.ts';
import { loadConfig } from '../../../config/env.ts';
import { openStore, seedDeployment } from '../../entry/node.ts';
import type { Io } from '../main.ts';

export async function migrate(_args: string[], io: Io): Promise<number> {
  const config = loadConfig(io.env);
  const deployment = loadDeployment(resolveDeploymentDir(config.deploymentDir));
  const store = openStore(config);
  try {
    await store.migrate();
    const seeded = await seedDeployment(store, { now: () => Date.now() }, deployment);
    const orders = deployment.isDemo ? ` and ${seeded.orders} demo orders` : '';
    io.stdout.write(`Migrations applied (${store.dialect}). Imported ${seeded.articles} articles of ${deployment.name}${orders}.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
