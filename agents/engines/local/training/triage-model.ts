/**
 * The triage model of the `local` engine: trained at start-up on the deployment's examples and
 * priors, cached on disk by content hash so restarts are instant and any changed input retrains.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadClassifier, trainClassifier, type Example, type TextClassifier } from '../classifier/index.ts';
import { priorExamples, type TriagePriors } from './priors.ts';

/** Bumped when training changes in a way that makes old cached models stale. */
const CACHE_VERSION = 'v7';

/**
 * Below this many examples the calibration is fitted on cross-validation (every example
 * predicted once by models that did not learn from it) rather than on a held-back tenth, which
 * would be a handful of rows.
 */
const CROSS_VALIDATE_BELOW = 2000;
const FOLDS = 5;

/**
 * sha256 over everything the model learns from: the examples with their weights, the priors'
 * sources (route descriptions, articles, general rows) and the cache version. Stable for the same
 * inputs in the same order.
 */
export function examplesHash(examples: Example[], priors: TriagePriors | null = null): string {
  const hash = createHash('sha256').update(CACHE_VERSION);
  const row = (e: Example) => hash.update(`${e.label}\u0000${e.text}\u0000${e.weight ?? 1}\u0001`);
  examples.forEach(row);
  if (priors) {
    hash.update(`\u0002priors\u0000${priors.weight}`);
    for (const r of priors.routes) hash.update(`${r.label}\u0000${r.description}\u0001`);
    for (const a of priors.articles) hash.update(`${a.title}\u0000${a.tags.join('\u0000')}\u0000${a.body}\u0001`);
    priors.general.forEach(row);
  }
  return hash.digest('hex');
}

/** The cache file of a model: named after the deployment, keyed by the hash of everything it learns from. */
export function triageModelFile(cacheDir: string, examples: Example[], deployment = 'default', priors: TriagePriors | null = null): string {
  const name = deployment.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60) || 'default';
  return join(cacheDir, `triage-model-${name}-${examplesHash(examples, priors)}.json`);
}

/**
 * Trains the triage classifier on `examples` and, when given, the prior rows derived from
 * `priors`; small sets are calibrated on cross-validation.
 */
export function trainTriageModel(
  examples: Example[],
  priors: TriagePriors | null = null,
  opts: { seed?: number; onProgress?: (done: number, total: number) => void } = {},
): TextClassifier {
  const prior = priors ? priorExamples(examples, priors).rows : [];
  return trainClassifier(examples, {
    seed: opts.seed ?? 1,
    priors: prior,
    folds: examples.length < CROSS_VALIDATE_BELOW ? FOLDS : undefined,
    onProgress: opts.onProgress,
  });
}

/** A trained model (its toJSON()) and the hash of what it learned from. */
export interface PrebuiltModel {
  hash: string;
  model: unknown;
}

/**
 * Returns a classifier trained on `examples` (and `priors`), loading it from
 * `cacheDir/triage-model-<deployment>-<sha256>.json` when present and writing it there after
 * training. The hash covers every example, weight and label (the deployment's training files and
 * its route corrections) and every prior source (route descriptions, articles, general rows), so
 * switching deployments or editing training/, agents.yaml or kb/ never reuses a model.
 * With `cacheDir: null` it always trains and writes nothing. A corrupt cache file is ignored
 * (and overwritten).
 */
export async function loadTriageModel(opts: {
  examples: Example[];
  /** What the deployment knows besides its examples (see triagePriors); none when absent. */
  priors?: TriagePriors | null;
  cacheDir: string | null;
  /** The deployment's name, for a cache file a person can tell apart (the hash decides reuse). */
  deployment?: string;
  /** Training progress, when it has to train (see {@link trainClassifier}). */
  onProgress?: (done: number, total: number) => void;
  /**
   * A model trained elsewhere (the Workers build ships one beside the bundle, see
   * src/cli/build-worker.ts), used when `hash` is the {@link examplesHash} of these inputs.
   */
  prebuilt?: PrebuiltModel | null;
}): Promise<TextClassifier> {
  const { examples, cacheDir } = opts;
  const priors = opts.priors ?? null;
  if (opts.prebuilt && opts.prebuilt.hash === examplesHash(examples, priors)) return loadClassifier(opts.prebuilt.model);
  const file = cacheDir ? triageModelFile(cacheDir, examples, opts.deployment, priors) : null;
  if (file) {
    try {
      return loadClassifier(JSON.parse(await readFile(file, 'utf8')));
    } catch {
      // missing or unreadable: train below
    }
  }
  const classifier = trainTriageModel(examples, priors, { onProgress: opts.onProgress });
  if (file && cacheDir) {
    await mkdir(cacheDir, { recursive: true });
    // Write then rename: a concurrent reader never sees half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(classifier.toJSON()));
    await rename(tmp, file);
  }
  return classifier;
}
