/**
 * The Store contract (store-contract.ts), run against SQLite and a real PostgreSQL server.
 */
import { onBothStores } from '../support/both-stores.ts';
import { storeContract } from './store-contract.ts';

onBothStores('Store contract', storeContract);
