import { loadConfig } from '../../config/env.ts';
import type { Store } from '../core/ports.ts';
import { openStore } from '../entry/node.ts';
import type { Io } from './main.ts';

/** Opens the configured store, migrated, for one command's work, and always closes it. */
export async function withStore<T>(io: Io, work: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(loadConfig(io.env));
  try {
    await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}
