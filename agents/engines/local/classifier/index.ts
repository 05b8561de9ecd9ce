/**
 * The embedded text classifier of the `local` engine: routes messages with no network and no
 * downloaded weights. A from-scratch linear model (see the files beside this one) because no
 * maintained JS library offers sparse hashed features + calibrated multinomial logistic
 * regression, and the whole thing is a few hundred lines.
 *
 * Pipeline: normalise → word 1–2-grams + char 2–5-grams, hashed, tf-idf, L2 → softmax regression
 * (Adagrad) → temperature-scaled probabilities → learned out-of-scope rejection threshold.
 */
import { countTerms, columnTable, fitVocabulary, weigh } from './features.ts';
import { fitTemperature, fitThreshold, type ValidationOutcome } from './calibration.ts';
import { createRandom, shuffle } from './random.ts';
import { logits, softmax, trainSoftmax, type SoftmaxWeights } from './softmax-regression.ts';

export { normalizeText, tokenize } from './normalize.ts';

/** One labelled training or evaluation row. */
export interface Example {
  text: string;
  label: string;
  /** Weight of the row in training and in the temperature fit (default 1). */
  weight?: number;
}

/** A classification: the chosen label, its calibrated probability and the top 5 class scores. */
export interface Prediction {
  /** Best label, or the out-of-scope label when the message is rejected. */
  label: string;
  /** Calibrated probability of `label` (for a rejection: 1 − the best in-scope probability). */
  confidence: number;
  /** Top 5 classes by calibrated probability, highest first. */
  scores: { label: string; p: number }[];
}

/** A trained classifier. */
export interface TextClassifier {
  /** The classes the model was trained on (includes the out-of-scope label if it was a class). */
  readonly labels: string[];
  /** Classifies one message. */
  predict(text: string): Prediction;
  /** A JSON-serialisable form of the model; {@link loadClassifier} restores it. */
  toJSON(): unknown;
}

/** Options of {@link trainClassifier}. */
export interface TrainOptions {
  /** Label meaning "out of scope" (default `oos`): a class when present, and the rejection label. */
  oosLabel?: string;
  /** Seed of the shuffles and the validation split (default 1). Same seed, same model. */
  seed?: number;
  /** Progress callback (units are training epochs). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Validation rows for calibration and the rejection threshold. Without them a stratified
   * {@link TrainOptions.validationFraction} of the training rows is held back for calibration
   * (and the model is then refitted on all rows).
   */
  validation?: Example[];
  /** Share of training rows held back when no `validation` is given (default 0.1). */
  validationFraction?: number;
  /** Training epochs (default 8). */
  epochs?: number;
  /** Adagrad base step size (default 0.5). */
  learningRate?: number;
}

const FORMAT = 'frontdesk-text-classifier';
const VERSION = 1;

interface ModelState {
  labels: string[];
  oosLabel: string;
  temperature: number;
  threshold: number;
  buckets: Int32Array;
  idf: Float32Array;
  model: SoftmaxWeights;
}

/** Trains a classifier on labelled examples. Throws when there are no examples. */
export function trainClassifier(examples: Example[], options: TrainOptions = {}): TextClassifier {
  if (examples.length === 0) throw new Error('trainClassifier: no training examples');
  const oosLabel = options.oosLabel ?? 'oos';
  const seed = options.seed ?? 1;
  const hyper = {
    epochs: options.epochs ?? 8,
    learningRate: options.learningRate ?? 0.5,
  };
  const labels = [...new Set(examples.map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));

  let fitRows: Example[];
  let valRows: Example[];
  let refit: boolean;
  if (options.validation && options.validation.length > 0) {
    fitRows = examples;
    valRows = options.validation;
    refit = false;
  } else {
    [fitRows, valRows] = stratifiedSplit(examples, options.validationFraction ?? 0.1, seed);
    refit = valRows.length > 0;
  }

  // Progress: the main epochs plus the warm-start epochs of the refit.
  const refitEpochs = refit ? Math.max(1, Math.round(hyper.epochs / 4)) : 0;
  const totalEpochs = hyper.epochs + refitEpochs;
  options.onProgress?.(0, totalEpochs);

  // idf and columns come from every training row (labels unused), so the refit can warm-start
  // from the phase-1 weights in the same column space.
  const counts = examples.map((e) => countTerms(e.text));
  const countOf = new Map(examples.map((e, i) => [e, counts[i]!]));
  const vocab = fitVocabulary(counts);
  const vectorOf = (e: Example) => weigh(countOf.get(e) ?? countTerms(e.text), vocab.column, vocab.idf);
  const classOf = (rows: Example[]) => Int32Array.from(rows.map((e) => labelIndex.get(e.label)!));
  const weightsOf = (rows: Example[]) => (rows.some((e) => e.weight !== undefined) ? Float32Array.from(rows.map((e) => e.weight ?? 1)) : undefined);

  // Phase 1: train on the fit rows, calibrate on the validation rows.
  const fitVectors = fitRows.map(vectorOf);
  let model = trainSoftmax(fitVectors, classOf(fitRows), labels.length, vocab.buckets.length, {
    ...hyper,
    seed,
    weights: weightsOf(fitRows),
    onEpoch: (done) => options.onProgress?.(done, totalEpochs),
  });
  let temperature = 1;
  let threshold = 0;
  if (valRows.length > 0) {
    const valLogits = valRows.map((e) => logits(model, vectorOf(e)));
    const knownRows = valRows.flatMap((e, i) => (labelIndex.has(e.label) ? [i] : []));
    temperature = fitTemperature(
      knownRows.map((i) => valLogits[i]!),
      Int32Array.from(knownRows.map((i) => labelIndex.get(valRows[i]!.label)!)),
      weightsOf(knownRows.map((i) => valRows[i]!)),
    );
    const oosIndex = labelIndex.get(oosLabel) ?? -1;
    const outcomes: ValidationOutcome[] = valRows.map((e, i) => {
      const p = softmax(Float64Array.from(valLogits[i]!), temperature);
      const best = argmax(p);
      const oos = e.label === oosLabel || !labelIndex.has(e.label);
      return { oos, correct: labels[best] === e.label, predictedOos: best === oosIndex, maxP: p[best]! };
    });
    threshold = fitThreshold(outcomes);
  }

  // Phase 2: a few more epochs over every row, from the phase-1 weights (with a fresh Adagrad
  // history), so the final model also learns from the held-back rows while its calibration stays
  // valid.
  if (refit) {
    model = trainSoftmax(examples.map(vectorOf), classOf(examples), labels.length, vocab.buckets.length, {
      ...hyper,
      epochs: refitEpochs,
      weights: weightsOf(examples),
      seed: seed + 1,
      init: model,
      onEpoch: (done) => options.onProgress?.(hyper.epochs + done, totalEpochs),
    });
  }
  const final = { buckets: vocab.buckets, idf: vocab.idf, model };
  return createClassifier({
    labels,
    oosLabel,
    temperature,
    threshold,
    buckets: final.buckets,
    idf: final.idf,
    model: final.model,
  });
}

/**
 * Holds back `fraction` of each label's rows (at least one when the label has 5 or more, none
 * otherwise, so rare labels keep their examples for training), per label and row weight.
 * Deterministic for a seed.
 */
export function stratifiedSplit(examples: Example[], fraction: number, seed: number): [Example[], Example[]] {
  // Strata are label × weight: rows of a differently weighted source (hand-written examples
  // beside a templated corpus) are held back in proportion too, so calibration sees them.
  const byLabel = new Map<string, Example[]>();
  for (const e of examples) {
    const key = e.weight === undefined ? e.label : `${e.label}\u0000${e.weight}`;
    const list = byLabel.get(key);
    if (list) list.push(e);
    else byLabel.set(key, [e]);
  }
  const random = createRandom(seed ^ 0x5eed);
  const train: Example[] = [];
  const val: Example[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const rows = shuffle([...byLabel.get(label)!], random);
    const held = rows.length >= 5 ? Math.max(1, Math.round(rows.length * fraction)) : 0;
    val.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
  }
  return [train, val];
}

function argmax(p: Float64Array): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
  return best;
}

function createClassifier(state: ModelState): TextClassifier {
  const column = columnTable(state.buckets);
  const { labels, oosLabel, temperature, threshold, model } = state;
  return {
    labels: [...labels],
    predict(text: string): Prediction {
      const p = softmax(logits(model, weigh(countTerms(text), column, state.idf)), temperature);
      const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
      const scores = order.slice(0, 5).map((c) => ({ label: labels[c]!, p: p[c]! }));
      const best = order[0]!;
      if (p[best]! < threshold) return { label: oosLabel, confidence: 1 - p[best]!, scores };
      return { label: labels[best]!, confidence: p[best]!, scores };
    },
    toJSON() {
      return {
        format: FORMAT,
        version: VERSION,
        labels,
        oosLabel,
        temperature,
        threshold,
        columns: model.columns,
        buckets: encode(state.buckets),
        idf: encode(state.idf),
        weights: encode(model.weights),
        bias: Array.from(model.bias),
      };
    },
  };
}

/** Restores a classifier from {@link TextClassifier.toJSON} output. Throws on anything else. */
export function loadClassifier(json: unknown): TextClassifier {
  const o = json as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || o.format !== FORMAT) throw new Error('loadClassifier: not a Frontdesk classifier model');
  if (o.version !== VERSION) throw new Error(`loadClassifier: unsupported model version ${String(o.version)}`);
  const labels = o.labels as string[];
  const columns = o.columns as number;
  const buckets = new Int32Array(decode(o.buckets as string));
  const idf = new Float32Array(decode(o.idf as string));
  const weights = new Float32Array(decode(o.weights as string));
  const bias = Float32Array.from(o.bias as number[]);
  if (
    !Array.isArray(labels) ||
    buckets.length !== columns ||
    idf.length !== columns ||
    weights.length !== columns * labels.length ||
    bias.length !== labels.length
  ) {
    throw new Error('loadClassifier: model arrays do not match its labels/columns');
  }
  return createClassifier({
    labels,
    oosLabel: String(o.oosLabel),
    temperature: Number(o.temperature),
    threshold: Number(o.threshold),
    buckets,
    idf,
    model: { classes: labels.length, columns, weights, bias },
  });
}

// Typed arrays as base64 (little-endian, as every supported runtime is): compact in JSON and
// exact, unlike decimal floats. btoa/atob exist in Node and in Workers alike.
function encode(array: Int32Array | Float32Array): string {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function decode(text: string): ArrayBuffer {
  if (typeof text !== 'string') throw new Error('loadClassifier: malformed model array');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}
