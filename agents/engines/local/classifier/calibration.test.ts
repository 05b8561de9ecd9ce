import { describe, expect, it } from 'vitest';
import { fitTemperature, fitThreshold, type ValidationOutcome } from './calibration.ts';
import { crossValidationFolds, trainClassifier, type Example } from './index.ts';

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

describe('cross-validated calibration (trainClassifier folds)', () => {
  // Two labels in few rows, some of them ambiguous ("charge" and "order" in both): a model
  // calibrated on its own training rows would call nearly everything certain.
  const rows: Example[] = [
    ...['where is my order', 'track my parcel', 'order not arrived', 'has my order shipped', 'delivery is late', 'parcel never came', 'order status please', 'charge for my order delivery'].map((text) => ({ text, label: 'orders' })),
    ...['why was i charged twice', 'refund my payment', 'my bill is wrong', 'card payment failed', 'invoice please', 'charge on my statement', 'money taken twice', 'refund for my order'].map((text) => ({ text, label: 'billing' })),
  ];
  it('deals every label across the folds, each example in exactly one', () => {
    const folds = crossValidationFolds(rows, 4, 1);
    expect(folds).toHaveLength(4);
    expect(folds.flat()).toHaveLength(rows.length);
    expect(new Set(folds.flat()).size).toBe(rows.length);
    for (const fold of folds) expect(new Set(fold.map((e) => e.label))).toEqual(new Set(['orders', 'billing']));
  });
  it('fits the temperature on every row predicted out of fold, not on the handful a tenth holds back', () => {
    const temperatureOf = (folds?: number) => (trainClassifier(rows, { seed: 3, folds }).toJSON() as { temperature: number }).temperature;
    // A held-back tenth is one row per label here: the fit runs to the end of its search range.
    expect(temperatureOf()).toBeGreaterThan(19);
    // Out of fold, every row counts: the models' training fit is softened, within reason.
    const crossValidated = temperatureOf(4);
    expect(crossValidated).toBeGreaterThan(1);
    expect(crossValidated).toBeLessThan(5);
    const model = trainClassifier(rows, { seed: 3, folds: 4 });
    expect(model.predict('where is my parcel').label).toBe('orders');
    expect(model.predict('where is my parcel').confidence).toBeLessThan(0.999);
  });
  it('is deterministic for a seed and ignores folds when validation rows are given', () => {
    const a = trainClassifier(rows, { seed: 2, folds: 4 });
    expect(trainClassifier(rows, { seed: 2, folds: 4 }).predict('refund my parcel')).toEqual(a.predict('refund my parcel'));
    const validation = [{ text: 'where is my stuff', label: 'orders' }, { text: 'double charge', label: 'billing' }];
    expect(trainClassifier(rows, { seed: 2, folds: 4, validation }).predict('x')).toEqual(trainClassifier(rows, { seed: 2, validation }).predict('x'));
  });
});
