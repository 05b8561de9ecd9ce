/**
 * `frontdesk train [--cache-dir DIR] [--json]` — retrains the deployment's triage model on its
 * training/ examples (FRONTDESK_DEPLOYMENT, default the demo) and the route corrections humans made in the
 * console, and writes it to the model cache the server loads at start-up (so the next start is
 * instant and uses the corrections). The cache defaults to the SQLite database's folder (the
 * repository's data/ on PostgreSQL).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { triageExamples, triagePriors } from '../../../agents/engines/local/index.ts';
import { loadTriageModel, triageModelFile } from '../../../agents/engines/local/training/triage-model.ts';
import { loadDeployment, resolveDeploymentDir } from '../../../config/deployment/index.ts';
import { loadConfig } from '../../../config/env.ts';
import { openStore } from '../../entry/node.ts';

/** Streams and environment of a command. */
export interface TrainIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
}

/** Runs `frontdesk train`; resolves to the exit code. */
export async function train(args: string[], io: TrainIo): Promise<number> {
  let values: { 'cache-dir'?: string; json?: boolean };
  try {
    values = parseArgs({ args, options: { 'cache-dir': { type: 'string' }, json: { type: 'boolean' } }, strict: true }).values;
  } catch (error) {
    io.stderr.write(`frontdesk train: ${(error as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const config = loadConfig(io.env);
  const cacheDir = values['cache-dir'] ?? config.modelCacheDir;
  const deployment = loadDeployment(resolveDeploymentDir(config.deploymentDir));
  const store = openStore(config);
  try {
    await store.migrate();
    const examples = await triageExamples(deployment, store);
    const started = performance.now();
    const priors = triagePriors(deployment);
    const model = await loadTriageModel({ examples, priors, cacheDir, deployment: deployment.name });
    const ms = Math.round(performance.now() - started);
    const file = resolve(triageModelFile(cacheDir, examples, deployment.name, priors));
    const summary = { examples: examples.length, labels: model.labels.length, ms, file };
    io.stdout.write(
      values.json
        ? `${JSON.stringify(summary)}\n`
        : `triage model: ${summary.examples} examples, ${summary.labels} labels, ready in ${ms} ms → ${file}\n`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
