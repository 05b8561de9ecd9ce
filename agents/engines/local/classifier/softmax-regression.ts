/**
 * Multinomial logistic regression over sparse vectors, trained with plain SGD and L2.
 *
 * Why SGD and not a batch optimiser: with ~10^5 columns × 10^2 classes the dense gradient of a
 * batch method costs far more than the few hundred non-zero features each message touches.
 * L2 shrinkage is applied lazily through one global scale factor (w = scale · v, Bottou's trick),
 * so every update stays sparse.
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
  learningRate: number;
  l2: number;
  seed: number;
  /** Per-row weight of the loss (default 1 each): rows that represent the deployment better count more. */
  weights?: Float32Array;
  /** Start from these parameters instead of zeros (warm start). */
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
  const z = new Float64Array(k);
  const random = createRandom(options.seed);
  const order = Array.from(xs.keys());
  const total = options.epochs * xs.length;
  let scale = 1;
  let t = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffle(order, random);
    for (const n of order) {
      const x = xs[n]!;
      // Learning rate decays linearly to a tenth of its start over all of training.
      const eta = options.learningRate * (1 - (0.9 * t) / total) * (options.weights?.[n] ?? 1);
      t++;
      for (let c = 0; c < k; c++) z[c] = bias[c]!;
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * k;
        const xv = x.value[i]! * scale;
        for (let c = 0; c < k; c++) z[c]! += xv * v[base + c]!;
      }
      softmax(z);
      z[ys[n]!]! -= 1; // z now holds the gradient of the loss w.r.t. the logits
      scale *= 1 - eta * options.l2;
      const step = eta / scale;
      for (let i = 0; i < x.index.length; i++) {
        const base = x.index[i]! * k;
        const xv = x.value[i]! * step;
        for (let c = 0; c < k; c++) {
          const g = z[c]!;
          // Classes the model already rules out get negligible gradients: skip the write.
          if (g > 1e-7 || g < -1e-7) v[base + c]! -= xv * g;
        }
      }
      for (let c = 0; c < k; c++) bias[c]! -= eta * z[c]!;
      if (scale < 1e-6) {
        for (let i = 0; i < v.length; i++) v[i]! *= scale;
        scale = 1;
      }
    }
    options.onEpoch?.(epoch + 1, options.epochs);
  }
  for (let i = 0; i < v.length; i++) v[i]! *= scale;
  return { classes: k, columns, weights: Float32Array.from(v), bias: Float32Array.from(bias) };
}
