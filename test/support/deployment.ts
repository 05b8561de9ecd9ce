/**
 * The bundled demo deployment, loaded once per test file, and the second deployment the suites
 * run to prove no engine code knows the demo (test/fixtures/deployments/bike-shop).
 */
import { join } from 'node:path';
import { loadDeployment } from '../../config/deployment/index.ts';
import { ROOT } from './paths.ts';

export const demoDeployment = loadDeployment();
/** The demo store's agent graph (config/demo/agents.yaml). */
export const agentGraph = demoDeployment.graph;
/** The demo store's knowledge base (config/demo/kb). */
export const defaultArticles = () => demoDeployment.articles;

export const BIKE_SHOP_DIR = join(ROOT, 'test', 'fixtures', 'deployments', 'bike-shop');
