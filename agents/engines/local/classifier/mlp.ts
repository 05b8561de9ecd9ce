/**
 * A one-hidden-layer network over the same sparse vectors as the softmax regression: sparse input
 * → ReLU hidden layer → class logits. The classifier averages its logits with the linear model's.
 *
 * Why a second model: the linear model scores each n-gram on its own, so it cannot learn that
 * "top up" + "cancelled" means something neither means alone; the hidden layer learns such
 * combinations, and it errs on different messages than the linear model, so the mix beats both
 * (Banking77 held-out: linear 89.8%, network 89.8–90.5%, mixed 90.8%). A small layer (64 units)
 * is enough for the mix and keeps training and the model file small.
 *
 * Trained with Adagrad like the linear model (rare n-grams learn fast), with dropout on the
 * hidden units as its regulariser.
 */
import type { SparseVector } from './features.ts';
import { createRandom, shuffle } from './random.ts';
import { SKIP_BELOW, softmax } from './softmax-regression.ts';

/** Trained parameters. `w1` is row-major by input column (`w1[col * hidden + j]`), `w2` by hidden unit. */
export interface MlpWeights {
  hidden: number;
  classes: number;
  columns: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
}

/** Hyper-parameters of {@link trainMlp}. */
export interface MlpOptions {
  hidden: number;
  epochs: number;
  /** Adagrad base step size. */
  learningRate: number;
  /** Share of hidden units silenced per training row. */
  dropout: number;
  seed: number;
  /** Per-row loss weights (default 1 each). */
  weights?: Float32Array;
  /** Start from these parameters (warm start; the step-size history starts afresh). */
  init?: MlpWeights;
  onEpoch?: (done: number, total: number) => void;
}

/** Raw class scores (logits) of one vector. */
export function mlpLogits(model: MlpWeights, x: SparseVector): Float64Array {
  const { hidden: H, classes: K, w1, b1, w2, b2 } = model;
  const h = new Float64Array(H);
  for (let j = 0; j < H; j++) h[j] = b1[j]!;
  for (let i = 0; i < x.index.length; i++) {
    const base = x.index[i]! * H;
    const v = x.value[i]!;
    for (let j = 0; j < H; j++) h[j]! += v * w1[base + j]!;
  }
  const z = Float64Array.from(b2);
  for (let j = 0; j < H; j++) {
    const hj = h[j]!;
    if (hj <= 0) continue; // ReLU
    const base = j * K;
    for (let c = 0; c < K; c++) z[c]! += hj * w2[base + c]!;
  }
  return z;
}

/** Trains on vectors `xs` with class indices `ys`. Deterministic for a given seed. */
export function trainMlp(xs: SparseVector[], ys: Int32Array, classes: number, columns: number, options: MlpOptions): MlpWeights {
  const { hidden: H, learningRate: eta, dropout } = options;
  const K = classes;
  const random = createRandom(options.seed);
  // Uniform (Glorot) initialisation; the input is an L2-normalised vector, so its fan-in is ~1.
  const uniform = (n: number, limit: number) => Float64Array.from({ length: n }, () => (random() * 2 - 1) * limit);
  const w1 = options.init ? Float64Array.from(options.init.w1) : uniform(columns * H, Math.sqrt(6 / (H + 1)));
  const b1 = options.init ? Float64Array.from(options.init.b1) : new Float64Array(H);
  const w2 = options.init ? Float64Array.from(options.init.w2) : uniform(H * K, Math.sqrt(6 / (H + K)));
  const b2 = options.init ? Float64Array.from(options.init.b2) : new Float64Array(K);
  // Adagrad's sums of squared gradients (f32 for the big input layer: precision does not matter).
  const g1 = new Float32Array(columns * H);
  const gb1 = new Float64Array(H);
  const g2 = new Float64Array(H * K);
  const gb2 = new Float64Array(K);
  const h = new Float64Array(H);
  const dh = new Float64Array(H);
  const z = new Float64Array(K);
  const keepScale = 1 / (1 - dropout);
  const order = Array.from(xs.keys());
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const n of order) {
      const x = xs[n]!;
      const rowWeight = options.weights?.[n] ?? 1;
      // Forward, with dropout on the hidden units.
      for (let j = 0; j < H; j++) h[j] = b1[j]!;
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * H;
        const v = x.value[i]!;
        for (let j = 0; j < H; j++) h[j]! += v * w1[base + j]!;
      }
      for (let j = 0; j < H; j++) h[j] = h[j]! <= 0 || random() < dropout ? 0 : h[j]! * keepScale;
      for (let c = 0; c < K; c++) z[c] = b2[c]!;
      for (let j = 0; j < H; j++) {
        const hj = h[j]!;
        if (hj === 0) continue;
        const base = j * K;
        for (let c = 0; c < K; c++) z[c]! += hj * w2[base + c]!;
      }
      softmax(z);
      z[ys[n]!]! -= 1; // gradient of the loss w.r.t. the logits
      for (let c = 0; c < K; c++) z[c]! *= rowWeight;
      // Backward: silent units (ReLU or dropout) pass no gradient.
      for (let j = 0; j < H; j++) {
        const hj = h[j]!;
        if (hj === 0) {
          dh[j] = 0;
          continue;
        }
        const base = j * K;
        let g = 0;
        for (let c = 0; c < K; c++) {
          g += z[c]! * w2[base + c]!;
          const gw = z[c]! * hj;
          // As in the linear model: classes already ruled out get no write.
          if (gw < SKIP_BELOW && gw > -SKIP_BELOW) continue;
          const sum = (g2[base + c]! += gw * gw);
          w2[base + c]! -= (eta * gw) / Math.sqrt(sum + EPSILON);
        }
        dh[j] = g * keepScale;
      }
      for (let c = 0; c < K; c++) {
        const g = z[c]!;
        gb2[c]! += g * g;
        b2[c]! -= (eta * g) / Math.sqrt(gb2[c]! + EPSILON);
      }
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * H;
        const v = x.value[i]!;
        for (let j = 0; j < H; j++) {
          const gj = dh[j]!;
          if (gj === 0) continue;
          const g = gj * v;
          const sum = (g1[base + j]! += g * g);
          w1[base + j]! -= (eta * g) / Math.sqrt(sum + EPSILON);
        }
      }
      for (let j = 0; j < H; j++) {
        const g = dh[j]!;
        if (g === 0) continue;
        gb1[j]! += g * g;
        b1[j]! -= (eta * g) / Math.sqrt(gb1[j]! + EPSILON);
      }
    }
    options.onEpoch?.(epoch + 1, options.epochs);
  }
  return {
    hidden: H,
    classes: K,
    columns,
    w1: Float32Array.from(w1),
    b1: Float32Array.from(b1),
    w2: Float32Array.from(w2),
    b2: Float32Array.from(b2),
  };
}

const EPSILON = 1e-8;
