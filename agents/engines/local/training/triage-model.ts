/**
 * The triage model of the `local` engine: trained at start-up on the deployment's examples,
 * cached on disk by content hash so restarts are instant and a changed training set retrains.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClassifier, trainClassifier, type Example, type TextClassifier } from '../classifier/index.ts';

/** Bumped when training changes in a way that makes old cached models stale. */
const CACHE_VERSION = 'v4';

/** sha256 over the examples with their weights (and the cache version), stable for the same rows in the same order. */
export function examplesHash(examples: Example[]): string {
  const hash = createHash('sha256').update(CACHE_VERSION);
  for (const e of examples) hash.update(`${e.label}\u0000${e.text}\u0000${e.weight ?? 1}\u0001`);
  return hash.digest('hex');
}

/** The cache file of a model: named after the deployment, keyed by the hash of everything it learns from. */
export function triageModelFile(cacheDir: string, examples: Example[], deployment = 'default'): string {
  const name = deployment.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'default';
  return join(cacheDir, `triage-model-${name}-${examplesHash(examples)}.json`);
}

/**
 * Returns a classifier trained on `examples`, loading it from
 * `cacheDir/triage-model-<deployment>-<sha256>.json` when present and writing it there after
 * training. The hash covers every example, weight and label (the deployment's training files and
 * its route corrections), so switching deployments or editing training/ never reuses a model.
 * With `cacheDir: null` it always trains and writes nothing. A corrupt cache file is ignored
 * (and overwritten).
 */
export async function loadTriageModel(opts: {
  examples: Example[];
  cacheDir: string | null;
  /** The deployment's name, for a cache file a person can tell apart (the hash decides reuse). */
  deployment?: string;
  /** Training progress, when it has to train (see {@link trainClassifier}). */
  onProgress?: (done: number, total: number) => void;
}): Promise<TextClassifier> {
  const { examples, cacheDir } = opts;
  const file = cacheDir ? triageModelFile(cacheDir, examples, opts.deployment) : null;
  if (file) {
    try {
      return loadClassifier(JSON.parse(await readFile(file, 'utf8')));
    } catch {
      // missing or unreadable: train below
    }
  }
  const classifier = trainClassifier(examples, { seed: 1, onProgress: opts.onProgress });
  if (file && cacheDir) {
    await mkdir(cacheDir, { recursive: true });
    // Write then rename: a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(classifier.toJSON()));
    await rename(tmp, file);
  }
  return classifier;
}
