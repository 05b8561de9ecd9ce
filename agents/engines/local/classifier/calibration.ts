/**
 * Calibration fitted on held-back validation data, never on the training rows themselves (where
 * the models are over-confident):
 * - the mix of the two models' logits and a temperature, by validation likelihood;
 * - temperature scaling: one scalar T dividing the logits, chosen to minimise validation
 *   negative log-likelihood, so `confidence` reads as a probability;
 * - a rejection threshold on the calibrated in-scope score (see inScopeScore in index.ts), chosen
 *   to maximise in-scope accuracy + out-of-scope recall on validation. It is learned, not a constant, so it
 *   adapts to each training set; without out-of-scope validation rows there is nothing to learn
 *   from and it stays 0 (reject nothing).
 */
import { softmax } from './softmax-regression.ts';

/** Weighted mean negative log-likelihood of the true classes at temperature `t`. */
function nll(logitRows: Float64Array[], truth: Int32Array, t: number, weights?: Float32Array): number {
  let sum = 0;
  let total = 0;
  const p = new Float64Array(logitRows[0]?.length ?? 0);
  for (let n = 0; n < logitRows.length; n++) {
    p.set(logitRows[n]!);
    softmax(p, t);
    const w = weights?.[n] ?? 1;
    sum -= w * Math.log(Math.max(p[truth[n]!]!, 1e-12));
    total += w;
  }
  return sum / Math.max(1e-12, total);
}

/**
 * Golden-section search of the temperature over [0.05, 20] (NLL is unimodal in log T). With
 * `weights`, rows count as much as they did in training, so the calibration is fitted for the
 * traffic the weights describe rather than for whichever source has the most rows.
 */
export function fitTemperature(logitRows: Float64Array[], truth: Int32Array, weights?: Float32Array): number {
  if (logitRows.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let a = hi - g * (hi - lo);
  let b = lo + g * (hi - lo);
  let fa = nll(logitRows, truth, Math.exp(a), weights);
  let fb = nll(logitRows, truth, Math.exp(b), weights);
  // 25 steps narrow the bracket 0.618^25 ≈ 6e-6 of its width: far finer than NLL can tell apart.
  for (let i = 0; i < 25; i++) {
    if (fa < fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - g * (hi - lo);
      fa = nll(logitRows, truth, Math.exp(a), weights);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + g * (hi - lo);
      fb = nll(logitRows, truth, Math.exp(b), weights);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * The mix weight m of the linear model's logits (the network's get 1 − m, m in steps of 0.2) and
 * the temperature that together give the validation rows the highest likelihood.
 */
export function fitMixture(
  linear: Float64Array[],
  network: Float64Array[],
  truth: Int32Array,
  weights?: Float32Array,
): { mix: number; temperature: number } {
  if (linear.length === 0) return { mix: 0.5, temperature: 1 };
  let best = { mix: 0.5, temperature: 1, loss: Infinity };
  for (let step = 0; step <= 5; step++) {
    const mix = step / 5;
    const rows = linear.map((z, n) => z.map((v, c) => mix * v + (1 - mix) * network[n]![c]!));
    const temperature = fitTemperature(rows, truth, weights);
    const loss = nll(rows, truth, temperature, weights);
    if (loss < best.loss) best = { mix, temperature, loss };
  }
  return { mix: best.mix, temperature: best.temperature };
}

/** One validation outcome: is the truth out of scope, is the argmax right, and its rejection score. */
export interface ValidationOutcome {
  oos: boolean;
  correct: boolean;
  /** The argmax is the out-of-scope class itself. */
  predictedOos: boolean;
  /** 0–1, higher is more surely in scope; the message is rejected below the threshold. */
  score: number;
}

/**
 * The threshold τ (reject when the score < τ) maximising in-scope accuracy + oos recall (each
 * class of error weighs the same, however few out-of-scope rows there are). Returns 0 (reject
 * nothing beyond what an oos class catches) when there is nothing to learn from.
 *
 * Scores are compared as log-odds, where a calibrated model spreads the confident end (0.99 vs
 * 0.999) as much as the middle. Out-of-scope validation rows are few (CLINC150 has 100), so the
 * raw step-function objective is jagged and its best threshold jumps with a handful of rows:
 * every row's "is it kept" is smoothed with a logistic kernel whose width follows Silverman's rule
 * on the out-of-scope rows' scores — no constant to tune per data set.
 */
export function fitThreshold(outcomes: ValidationOutcome[]): number {
  const inScope = outcomes.filter((o) => !o.oos).length;
  const oos = outcomes.length - inScope;
  if (inScope === 0 || oos === 0) return 0;
  const x = outcomes.map((o) => logOdds(o.score));
  const scale = kernelScale(outcomes.flatMap((o, i) => (o.oos && !o.predictedOos ? [x[i]!] : [])));
  const objective = (tau: number) => {
    let correctKept = 0;
    let oosCaught = 0;
    outcomes.forEach((o, i) => {
      const kept = tau === -Infinity ? 1 : 1 / (1 + Math.exp((tau - x[i]!) / scale));
      if (!o.oos && o.correct) correctKept += kept;
      else if (o.oos) oosCaught += o.predictedOos ? 1 : 1 - kept;
    });
    return correctKept / inScope + oosCaught / oos;
  };
  let best = objective(-Infinity);
  let bestTau = -Infinity;
  const lo = Math.min(...x);
  const hi = Math.max(...x);
  const steps = 1000;
  for (let step = 0; step <= steps; step++) {
    const tau = lo + ((hi - lo) * step) / steps;
    const score = objective(tau);
    if (score > best + 1e-12) {
      best = score;
      bestTau = tau;
    }
  }
  return bestTau === -Infinity ? 0 : 1 / (1 + Math.exp(-bestTau));
}

const logOdds = (p: number) => {
  const q = Math.min(1 - 1e-9, Math.max(1e-9, p));
  return Math.log(q / (1 - q));
};

/** Logistic-kernel scale from Silverman's rule of thumb (a Gaussian bandwidth ÷ 1.81, the logistic's sd per unit scale). */
function kernelScale(values: number[]): number {
  const n = values.length;
  if (n < 2) return 0.1;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1));
  const sorted = [...values].sort((a, b) => a - b);
  const iqr = sorted[Math.floor(0.75 * (n - 1))]! - sorted[Math.floor(0.25 * (n - 1))]!;
  const spread = Math.min(sd, iqr / 1.34) || sd || 1;
  return (0.9 * spread * n ** -0.2) / 1.81;
}
