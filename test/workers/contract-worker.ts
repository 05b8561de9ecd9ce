/**
 * Runs the Store contract (test/contract/store-contract.ts) in workerd, against the Durable
 * Object store over a fresh object's SQLite: GET /run answers the outcome of every test as JSON.
 * test/e2e/worker.test.ts starts it with wrangler.contract.toml, where `vitest` is the shim.
 */
import { DurableObject, type DurableObjectNamespace, type Fetcher } from 'cloudflare:workers';
import { createDurableStore, type SqliteMigrations } from '../../src/store/durable/index.ts';
import { storeContract } from '../contract/store-contract.ts';
import { run } from './vitest-shim.ts';

interface Env {
  CONTRACT: DurableObjectNamespace<ContractObject>;
  ASSETS: Fetcher;
}

export class ContractObject extends DurableObject<Env> {
  async fetch(): Promise<Response> {
    const boot = await this.env.ASSETS.fetch('https://assets.invalid/_frontdesk/boot.json');
    const { migrations } = (await boot.json()) as { migrations: SqliteMigrations };
    storeContract(async () => {
      const store = createDurableStore(this.ctx.storage, migrations);
      return { store, close: () => store.close() };
    });
    return Response.json(await run());
  }
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (new URL(request.url).pathname !== '/run') return new Response('not found', { status: 404 });
    // A new object each run: the contract starts from an empty database.
    return env.CONTRACT.get(env.CONTRACT.idFromName(crypto.randomUUID())).fetch(request);
  },
};
