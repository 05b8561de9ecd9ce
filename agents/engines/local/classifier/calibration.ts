/**
 * Calibration fitted on held-back validation data, never on the training rows themselves (where
 * a linear model is over-confident):
 * - temperature scaling: one scalar T dividing the logits, chosen to minimise validation
 *   negative log-likelihood, so `confidence` reads as a probability;
 * - a rejection threshold on the calibrated max-probability, chosen to maximise
 *   in-scope accuracy + out-of-scope recall on validation. It is learned, not a constant, so it
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
  for (let i = 0; i < 40; i++) {
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

/** One validation outcome: is the truth out of scope, is the argmax right, and its probability. */
export interface ValidationOutcome {
  oos: boolean;
  correct: boolean;
  /** The argmax is the out-of-scope class itself. */
  predictedOos: boolean;
  maxP: number;
}

/**
 * The threshold τ (reject when max-probability < τ) maximising in-scope accuracy + oos recall.
 * Among equally good thresholds the middle of the first best interval is taken, which keeps the
 * margin to the nearest validation example on both sides.
 */
export function fitThreshold(outcomes: ValidationOutcome[]): number {
  const inScope = outcomes.filter((o) => !o.oos).length;
  const oos = outcomes.length - inScope;
  if (inScope === 0 || oos === 0) return 0;
  const sorted = [...outcomes].sort((x, y) => x.maxP - y.maxP);
  // Start at τ = 0: nothing rejected beyond what the oos class already catches.
  let correctKept = outcomes.filter((o) => !o.oos && o.correct).length;
  let oosCaught = outcomes.filter((o) => o.oos && o.predictedOos).length;
  let best = correctKept / inScope + oosCaught / oos;
  let bestTau = 0;
  for (let i = 0; i < sorted.length; i++) {
    // Raise τ just past sorted[i]: it gets rejected.
    const o = sorted[i]!;
    if (!o.oos && o.correct) correctKept--;
    if (o.oos && !o.predictedOos) oosCaught++;
    const next = sorted[i + 1]?.maxP ?? 1;
    if (next === o.maxP) continue; // ties move together
    const score = correctKept / inScope + oosCaught / oos;
    if (score > best + 1e-12) {
      best = score;
      bestTau = (o.maxP + next) / 2;
    }
  }
  return bestTau;
}
