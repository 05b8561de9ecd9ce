import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The trained triage model is cached here across test files and runs. */
export const MODEL_CACHE_DIR = join(ROOT, 'data', 'test-cache');
