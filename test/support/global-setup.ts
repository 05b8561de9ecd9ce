/**
 * Trains the default triage model once before the suites run, so parallel test files read one
 * cached model instead of each training its own.
 */
import { demoDeployment } from './deployment.ts';
import { triageExamples } from '../../agents/engines/local/index.ts';
import { loadTriageModel } from '../../agents/engines/local/training/triage-model.ts';
import { MODEL_CACHE_DIR } from './paths.ts';

export default async function setup() {
  await loadTriageModel({ examples: await triageExamples(demoDeployment, null), cacheDir: MODEL_CACHE_DIR, deployment: demoDeployment.name });
}
