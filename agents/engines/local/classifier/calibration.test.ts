import { describe, expect, it } from 'vitest';
import { fitTemperature, fitThreshold, type ValidationOutcome } from './calibration.ts';

describe('fitThreshold', () => {
  it('separates confident in-scope rows from unconfident out-of-scope rows', () => {
    const outcomes: ValidationOutcome[] = [
      ...[0.9, 0.8, 0.95, 0.7].map((score) => ({ oos: false, correct: true, predictedOos: false, score })),
      ...[0.2, 0.3, 0.4].map((score) => ({ oos: true, correct: false, predictedOos: false, score })),
    ];
    const tau = fitThreshold(outcomes);
    expect(tau).toBeGreaterThan(0.4);
    expect(tau).toBeLessThan(0.7);
  });
  it('stays at 0 without out-of-scope validation rows', () => {
    expect(fitThreshold([{ oos: false, correct: true, predictedOos: false, score: 0.3 }])).toBe(0);
  });
  it('does not reject when the oos class already catches the out-of-scope rows', () => {
    const outcomes: ValidationOutcome[] = [
      { oos: false, correct: true, predictedOos: false, score: 0.5 },
      { oos: true, correct: true, predictedOos: true, score: 0.9 },
    ];
    expect(fitThreshold(outcomes)).toBe(0);
  });
});

describe('fitTemperature', () => {
  it('softens over-confident logits and sharpens timid ones', () => {
    // always-correct, timid logits → T < 1
    const timid = Array.from({ length: 20 }, () => Float64Array.from([1, 0]));
    expect(fitTemperature(timid, new Int32Array(20))).toBeLessThan(1);
    // confident but right only half the time → T > 1
    const bold = Array.from({ length: 20 }, () => Float64Array.from([5, 0]));
    const truth = Int32Array.from({ length: 20 }, (_, i) => i % 2);
    expect(fitTemperature(bold, truth)).toBeGreaterThan(1);
  });
});

describe('fitTemperature with row weights', () => {
  it('treats a row of weight 3 like three copies of it', () => {
    const rows = [Float64Array.of(2, 0), Float64Array.of(0.5, 0), Float64Array.of(0, 1)];
    const truth = Int32Array.of(0, 1, 1);
    const weighted = fitTemperature(rows, truth, Float32Array.of(1, 3, 1));
    const copied = fitTemperature([rows[0]!, rows[1]!, rows[1]!, rows[1]!, rows[2]!], Int32Array.of(0, 1, 1, 1, 1));
    expect(weighted).toBeCloseTo(copied, 4);
    // The up-weighted row is a confident mistake: it must soften the fit compared with weight 1.
    expect(weighted).toBeGreaterThan(fitTemperature(rows, truth));
  });
});
