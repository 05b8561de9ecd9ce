/**
 * Multinomial logistic regression over sparse vectors, trained with Adagrad.
 *
 * Why a stochastic method and not a batch optimiser: with ~10^5 columns × 10^2 classes the dense
 * gradient of a batch method costs far more than the few hundred non-zero features each message
 * touches. Why Adagrad and not plain SGD: hashed n-gram features are mostly rare, and a per-weight
 * step size (η / √Σg²) lets a rare but telling n-gram learn as fast as a common one learns
 * slowly; on Banking77 and CLINC150 it beats tuned SGD by 0.5–2.5 points at the same epochs.
 * No explicit L2: the shrinking steps and the bounded number of epochs regularise enough, and
 * dropping it keeps every update sparse without SGD's global-scale trick.
 */
import type { SparseVector } from './features.ts';
import { createRandom, shuffle } from './random.ts';

/** The trained parameters: weights row-major by column (`weights[col * classes + k]`). */
export interface SoftmaxWeights {
  classes: number;
  columns: number;
  weights: Float32Array;
  bias: Float32Array;
}

/** Hyper-parameters of {@link trainSoftmax}. */
export interface SoftmaxOptions {
  epochs: number;
  /** Adagrad base step size η. */
  learningRate: number;
  seed: number;
  /** Per-row weight of the loss (default 1 each): rows that represent the deployment better count more. */
  weights?: Float32Array;
  /** Start from these parameters instead of zeros (warm start; the step-size history starts afresh). */
  init?: SoftmaxWeights;
  onEpoch?: (done: number, total: number) => void;
}

/** Raw class scores (logits) of one vector. */
export function logits(model: SoftmaxWeights, x: SparseVector, out = new Float64Array(model.classes)): Float64Array {
  const k = model.classes;
  for (let c = 0; c < k; c++) out[c] = model.bias[c]!;
  const w = model.weights;
  for (let i = 0; i < x.index.length; i++) {
    const base = x.index[i]! * k;
    const v = x.value[i]!;
    for (let c = 0; c < k; c++) out[c]! += v * w[base + c]!;
  }
  return out;
}

/** In-place softmax of logits divided by a temperature. */
export function softmax(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < z.length; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < z.length; c++) {
    const e = Math.exp((z[c]! - max) / temperature);
    z[c] = e;
    sum += e;
  }
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

/** Trains on vectors `xs` with class indices `ys`. Deterministic for a given seed. */
export function trainSoftmax(
  xs: SparseVector[],
  ys: Int32Array,
  classes: number,
  columns: number,
  options: SoftmaxOptions,
): SoftmaxWeights {
  const k = classes;
  const v = new Float64Array(columns * k); // f64 arithmetic is faster in V8 than f32 loads
  const bias = new Float64Array(k);
  if (options.init) {
    v.set(options.init.weights);
    bias.set(options.init.bias);
  }
  // Sums of squared gradients per weight; f32 halves their memory and precision does not matter.
  const g2 = new Float32Array(columns * k);
  const b2 = new Float64Array(k);
  const z = new Float64Array(k);
  const random = createRandom(options.seed);
  const order = Array.from(xs.keys());
  const eta = options.learningRate;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const n of order) {
      const x = xs[n]!;
      const rowWeight = options.weights?.[n] ?? 1;
      for (let c = 0; c < k; c++) z[c] = bias[c]!;
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * k;
        const xv = x.value[i]!;
        for (let c = 0; c < k; c++) z[c]! += xv * v[base + c]!;
      }
      softmax(z);
      z[ys[n]!]! -= 1; // z now holds the gradient of the loss w.r.t. the logits
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * k;
        const xv = x.value[i]! * rowWeight;
        for (let c = 0; c < k; c++) {
          const g = z[c]! * xv;
          // Classes the model already rules out get negligible gradients: skipping their writes
          // saves a fifth of the training time on CLINC150 and changes no result measured.
          if (g > SKIP_BELOW || g < -SKIP_BELOW) {
            const sum = (g2[base + c]! += g * g);
            v[base + c]! -= (eta * g) / Math.sqrt(sum + EPSILON);
          }
        }
      }
      for (let c = 0; c < k; c++) {
        const g = z[c]! * rowWeight;
        b2[c]! += g * g;
        bias[c]! -= (eta * g) / Math.sqrt(b2[c]! + EPSILON);
      }
    }
    options.onEpoch?.(epoch + 1, options.epochs);
  }
  return { classes: k, columns, weights: Float32Array.from(v), bias: Float32Array.from(bias) };
}

/** Gradients smaller than this are not applied (see the training loop); the network uses it too. */
export const SKIP_BELOW = 1e-5;

/** Keeps the first steps of a weight finite (its squared-gradient sum starts at 0). */
const EPSILON = 1e-3;
