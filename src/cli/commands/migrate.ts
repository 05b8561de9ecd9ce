import { loadConfig } from '../../../config/env.ts';
import { openStore, seedDemoData } from '../../entry/node.ts';
import type { Io } from '../main.ts';

export async function migrate(_args: string[], io: Io): Promise<number> {
  const config = loadConfig(io.env);
  const store = openStore(config);
  try {
    await store.migrate();
    const seeded = await seedDemoData(store, { now: () => Date.now() });
    io.stdout.write(`Migrations applied (${store.dialect}). Seeded ${seeded.articles} articles and ${seeded.orders} demo orders.\n`);
    return 0;
  } finally {
    await store.close();
  }
}
