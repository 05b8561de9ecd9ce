/**
 * The embedded text classifier of the `local` engine: routes messages with no network and no
 * downloaded weights. Written from scratch (see the files beside this one) because no maintained
 * JS library offers sparse hashed features with calibrated multinomial models, and the whole
 * thing is a few hundred lines.
 *
 * Pipeline: normalise → word 1–2-grams + char 3–5-grams, hashed, tf-idf, L2 → two models on the
 * same vector, softmax regression and a one-hidden-layer network (both Adagrad) → their logits
 * mixed and temperature-scaled (mix and temperature fitted on validation rows) → learned
 * out-of-scope rejection threshold.
 */
import { countTerms, columnTable, fitVocabulary, weigh } from './features.ts';
import { fitMixture, fitThreshold, type ValidationOutcome } from './calibration.ts';
import { mlpLogits, trainMlp, type MlpWeights } from './mlp.ts';
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
  /** Calibrated probability of `label` (for a rejection: 1 − the in-scope score, see inScopeScore). */
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
  /** Training epochs of the linear model (default 6). */
  epochs?: number;
  /** Adagrad base step size of the linear model (default 0.5). */
  learningRate?: number;
  /**
   * Rows that only train (weak priors such as route descriptions): they join every fit but are
   * never held back for calibration, which must reflect the deployment's own messages.
   */
  priors?: Example[];
  /**
   * Calibrate on `folds`-fold out-of-fold predictions of every example instead of a held-back
   * share (when no `validation` is given). For small sets, where a tenth of the rows is a handful:
   * every row is predicted once by models that did not learn from it. Costs `folds` extra fits.
   */
  folds?: number;
}

const FORMAT = 'frontdesk-text-classifier';
const VERSION = 2;

interface ModelState {
  labels: string[];
  oosLabel: string;
  temperature: number;
  threshold: number;
  /** Weight of the linear model's logits in the mix (the network gets 1 − mix). */
  mix: number;
  buckets: Int32Array;
  idf: Float32Array;
  linear: SoftmaxWeights;
  network: MlpWeights;
}

/** The network's hyper-parameters (see mlp.ts): small, as it only has to complement the linear model. */
const NETWORK = { hidden: 64, epochs: 6, learningRate: 0.1, dropout: 0.2 };

/** Trains a classifier on labelled examples. Throws when there are no examples. */
export function trainClassifier(examples: Example[], options: TrainOptions = {}): TextClassifier {
  if (examples.length === 0) throw new Error('trainClassifier: no training examples');
  const oosLabel = options.oosLabel ?? 'oos';
  const seed = options.seed ?? 1;
  const priors = options.priors ?? [];
  const linearHyper = { epochs: options.epochs ?? 6, learningRate: options.learningRate ?? 0.5 };
  const labels = [...new Set([...examples, ...priors].map((e) => e.label))].sort();
  const labelIndex = new Map(labels.map((l, i) => [l, i]));
  const folds = !options.validation?.length && (options.folds ?? 0) >= 2 ? crossValidationFolds(examples, options.folds!, seed) : null;

  let fitRows: Example[];
  let valRows: Example[];
  if (folds) {
    fitRows = examples;
    valRows = [];
  } else if (options.validation && options.validation.length > 0) {
    fitRows = examples;
    valRows = options.validation;
  } else {
    // Half of the out-of-scope rows are held back: the rejection threshold is learned from them
    // alone, and a tenth of a hundred rows would set it by chance. The refit learns from them too.
    const fraction = options.validationFraction ?? 0.1;
    [fitRows, valRows] = stratifiedSplit(examples, fraction, seed, (label) => (label === oosLabel ? Math.max(fraction, 0.5) : fraction));
  }
  // After calibration both models learn from the validation rows too. The out-of-scope ones count
  // only as much as keeps the oos class's share of the data as it was when the threshold was
  // fitted: at full weight they would double it (CLINC150: 100 oos_train + 100 oos_val rows) and
  // the refitted model would reject far more than the threshold allows for.
  const refitRows = valRows.length > 0 ? [...fitRows, ...refitWeighted(fitRows, valRows.filter((e) => labelIndex.has(e.label)), oosLabel), ...priors] : [];

  // Progress in epochs: both models per fit (each fold, then the final one), then any warm-start refits.
  const refitEpochs = (epochs: number) => (refitRows.length > 0 ? Math.max(1, Math.round(epochs / 4)) : 0);
  const fits = folds ? folds.length + 1 : 1;
  const totalEpochs = fits * (linearHyper.epochs + NETWORK.epochs) + refitEpochs(linearHyper.epochs) + refitEpochs(NETWORK.epochs);
  let epochsDone = 0;
  const onEpoch = () => options.onProgress?.(++epochsDone, totalEpochs);
  options.onProgress?.(0, totalEpochs);

  // idf and columns come from every row (labels unused), so the refits can warm-start from the
  // phase-1 weights in the same column space.
  const allRows = [...examples, ...priors, ...(options.validation ?? [])];
  const counts = new Map(allRows.map((e) => [e, countTerms(e.text)]));
  const vocab = fitVocabulary([...counts.values()]);
  const vectorOf = (e: Example) => weigh(counts.get(e) ?? countTerms(e.text), vocab.column, vocab.idf);
  const classOf = (rows: Example[]) => Int32Array.from(rows.map((e) => labelIndex.get(e.label)!));
  const weightsOf = (rows: Example[]) => (rows.some((e) => e.weight !== undefined) ? Float32Array.from(rows.map((e) => e.weight ?? 1)) : undefined);
  const columns = vocab.buckets.length;
  const fit = (rows: Example[]) => {
    const vectors = rows.map(vectorOf);
    return {
      linear: trainSoftmax(vectors, classOf(rows), labels.length, columns, { ...linearHyper, seed, weights: weightsOf(rows), onEpoch }),
      network: trainMlp(vectors, classOf(rows), labels.length, columns, { ...NETWORK, seed, weights: weightsOf(rows), onEpoch }),
    };
  };

  // Phase 1: train both models, and predict rows they did not learn from: the validation rows, or
  // with folds each example by the models fitted without its fold.
  let calibration: { rows: Example[]; linear: Float64Array[]; network: Float64Array[] };
  let { linear, network } = fit([...fitRows, ...priors]);
  if (folds) {
    calibration = { rows: [], linear: [], network: [] };
    for (const fold of folds) {
      const held = new Set(fold);
      const models = fit([...examples.filter((e) => !held.has(e)), ...priors]);
      for (const e of fold) {
        const x = vectorOf(e);
        calibration.rows.push(e);
        calibration.linear.push(logits(models.linear, x));
        calibration.network.push(mlpLogits(models.network, x));
      }
    }
  } else {
    const valVectors = valRows.map(vectorOf);
    calibration = { rows: valRows, linear: valVectors.map((x) => logits(linear, x)), network: valVectors.map((x) => mlpLogits(network, x)) };
  }

  // Calibrate the mix, the temperature and the rejection threshold on those predictions.
  let mix = 0.5;
  let temperature = 1;
  let threshold = 0;
  const calRows = calibration.rows;
  if (calRows.length > 0) {
    const knownRows = calRows.flatMap((e, i) => (labelIndex.has(e.label) ? [i] : []));
    ({ mix, temperature } = fitMixture(
      knownRows.map((i) => calibration.linear[i]!),
      knownRows.map((i) => calibration.network[i]!),
      Int32Array.from(knownRows.map((i) => labelIndex.get(calRows[i]!.label)!)),
      weightsOf(knownRows.map((i) => calRows[i]!)),
    ));
    const oosIndex = labelIndex.get(oosLabel) ?? -1;
    const outcomes: ValidationOutcome[] = calRows.map((e, i) => {
      const p = softmax(mixLogits(calibration.linear[i]!, calibration.network[i]!, mix), temperature);
      const best = argmax(p);
      const oos = e.label === oosLabel || !labelIndex.has(e.label);
      return { oos, correct: labels[best] === e.label, predictedOos: best === oosIndex, score: inScopeScore(p, best, oosIndex) };
    });
    threshold = fitThreshold(outcomes);
  }

  // Phase 2 (held-back validation only): a few more epochs over every row, from the phase-1
  // weights (with a fresh Adagrad history), so the final models also learn from the validation
  // rows while the calibration fitted on them stays valid. With folds the phase-1 models already
  // learned from every row.
  if (refitRows.length > 0) {
    const vectors = refitRows.map(vectorOf);
    const classes = classOf(refitRows);
    const weights = weightsOf(refitRows);
    linear = trainSoftmax(vectors, classes, labels.length, columns, {
      ...linearHyper,
      epochs: refitEpochs(linearHyper.epochs),
      weights,
      seed: seed + 1,
      init: linear,
      onEpoch,
    });
    network = trainMlp(vectors, classes, labels.length, columns, {
      ...NETWORK,
      epochs: refitEpochs(NETWORK.epochs),
      weights,
      seed: seed + 1,
      init: network,
      onEpoch,
    });
  }
  return createClassifier({ labels, oosLabel, temperature, threshold, mix, buckets: vocab.buckets, idf: vocab.idf, linear, network });
}

/**
 * Splits the examples into `folds` folds, each label's rows dealt round-robin after a seeded
 * shuffle so every fold has its share of every label. Labels with fewer rows than folds leave
 * some folds without them.
 */
export function crossValidationFolds(examples: Example[], folds: number, seed: number): Example[][] {
  const out: Example[][] = Array.from({ length: folds }, () => []);
  const byLabel = new Map<string, Example[]>();
  for (const e of examples) {
    const list = byLabel.get(e.label);
    if (list) list.push(e);
    else byLabel.set(e.label, [e]);
  }
  const random = createRandom(seed ^ 0xf01d);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const e of shuffle([...byLabel.get(label)!], random)) out[next++ % folds]!.push(e);
  }
  return out.filter((fold) => fold.length > 0);
}

/**
 * How surely a message with best class `best` is in scope, 0–1; it is rejected below the learned
 * threshold. With an out-of-scope class it is the probability of the best class against that
 * class alone, p(best) / (p(best) + p(oos)): the out-of-scope class is a detector trained for
 * exactly this, and on CLINC150 this score keeps 92–94% in-scope accuracy at 90% out-of-scope
 * recall where the best probability alone keeps 86–92%. Without one it is the best probability.
 */
function inScopeScore(p: Float64Array, best: number, oosIndex: number): number {
  return oosIndex < 0 ? p[best]! : p[best]! / (p[best]! + p[oosIndex]!);
}

/**
 * Validation rows as they join the refit: in-scope rows as they are (the in-scope classes grow
 * by about the same factor, being stratified), out-of-scope rows weighted so that the oos class
 * grows by that factor too.
 */
function refitWeighted(fitRows: Example[], valRows: Example[], oosLabel: string): Example[] {
  const isOos = (e: Example) => e.label === oosLabel;
  const valOos = valRows.filter(isOos).length;
  if (valOos === 0) return valRows;
  const fitOos = fitRows.filter(isOos).length;
  const growth = (valRows.length - valOos) / Math.max(1, fitRows.length - fitOos);
  const weight = (fitOos * growth) / valOos;
  return valRows.map((e) => (isOos(e) ? { ...e, weight: (e.weight ?? 1) * weight } : e));
}

/** The logits the classifier decides on: a weighted average of the two models' logits. */
function mixLogits(linear: Float64Array, network: Float64Array, mix: number): Float64Array {
  const z = new Float64Array(linear.length);
  for (let c = 0; c < z.length; c++) z[c] = mix * linear[c]! + (1 - mix) * network[c]!;
  return z;
}

/**
 * Holds back `fraction` of each label's rows (`fractionOf(label)` where given; at least one when
 * the label has 5 or more, none otherwise, so rare labels keep their examples for training), per
 * label and row weight. Deterministic for a seed.
 */
export function stratifiedSplit(
  examples: Example[],
  fraction: number,
  seed: number,
  fractionOf: (label: string) => number = () => fraction,
): [Example[], Example[]] {
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
    const share = fractionOf(rows[0]!.label);
    const held = rows.length >= 5 ? Math.max(1, Math.round(rows.length * share)) : 0;
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
  const { labels, oosLabel, temperature, threshold, mix, linear, network } = state;
  const oosIndex = labels.indexOf(oosLabel);
  return {
    labels: [...labels],
    predict(text: string): Prediction {
      const x = weigh(countTerms(text), column, state.idf);
      const p = softmax(mixLogits(logits(linear, x), mlpLogits(network, x), mix), temperature);
      const order = Array.from(p.keys()).sort((a, b) => p[b]! - p[a]!);
      const scores = order.slice(0, 5).map((c) => ({ label: labels[c]!, p: p[c]! }));
      const best = order[0]!;
      if (best !== oosIndex) {
        const score = inScopeScore(p, best, oosIndex);
        if (score < threshold) return { label: oosLabel, confidence: 1 - score, scores };
      }
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
        mix,
        columns: linear.columns,
        buckets: encode(state.buckets),
        idf: encode(state.idf),
        weights: encode(linear.weights),
        bias: Array.from(linear.bias),
        hidden: network.hidden,
        w1: encode(network.w1),
        b1: encode(network.b1),
        w2: encode(network.w2),
        b2: encode(network.b2),
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
  const hidden = o.hidden as number;
  const k = Array.isArray(labels) ? labels.length : -1;
  const floats = (key: string) => new Float32Array(decode(o[key] as string));
  const buckets = new Int32Array(decode(o.buckets as string));
  const idf = floats('idf');
  const linear: SoftmaxWeights = { classes: k, columns, weights: floats('weights'), bias: Float32Array.from(o.bias as number[]) };
  const network: MlpWeights = { hidden, classes: k, columns, w1: floats('w1'), b1: floats('b1'), w2: floats('w2'), b2: floats('b2') };
  if (
    k < 1 ||
    buckets.length !== columns ||
    idf.length !== columns ||
    linear.weights.length !== columns * k ||
    linear.bias.length !== k ||
    network.w1.length !== columns * hidden ||
    network.b1.length !== hidden ||
    network.w2.length !== hidden * k ||
    network.b2.length !== k
  ) {
    throw new Error('loadClassifier: model arrays do not match its labels/columns');
  }
  return createClassifier({
    labels,
    oosLabel: String(o.oosLabel),
    temperature: Number(o.temperature),
    threshold: Number(o.threshold),
    mix: Number(o.mix),
    buckets,
    idf,
    linear,
    network,
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
