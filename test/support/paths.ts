import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The trained triage model is cached here across test files and runs. */
export const MODEL_CACHE_DIR = join(ROOT, 'data', 'test-cache');
/** The Bitext rows the deployment's triage is trained on. */
export const SHIPPED_BITEXT = join(ROOT, 'config', 'demo', 'training', 'bitext-intents.jsonl');
/** The public data sets, beside the checkout when present (test/public-data skips without them). */
export const SHARED_DATA = join(ROOT, '..', 'shared', 'data');
