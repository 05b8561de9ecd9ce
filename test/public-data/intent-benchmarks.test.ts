/**
 * Regression floors on public intent benchmarks (needs ../shared/data; `npm run quality`). The
 * official test splits are not in this repository, so each benchmark is measured on data the
 * model never saw:
 * Banking77 on a held-out 20% of its training split, CLINC150 on one half of its validation
 * split while the other half calibrates (the mix, the temperature and the rejection threshold).
 * The floors sit a little under the figures measured when this was written (printed below), so
 * that a real regression fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stratifiedSplit, trainClassifier } from '../../agents/engines/local/classifier/index.ts';
import { readExamples } from '../../agents/engines/local/training/datasets.ts';
import { SHARED_DATA } from '../support/paths.ts';

const BANKING = join(SHARED_DATA, 'banking77', 'train.csv');
const CLINC = join(SHARED_DATA, 'clinc150', 'dev.json');

describe.skipIf(!existsSync(BANKING))('Banking77 (held-out 20% of train; needs ../shared/data)', () => {
  it('accuracy ≥ 90%', () => {
    const [train, test] = stratifiedSplit(readExamples(BANKING), 0.2, 42);
    const clf = trainClassifier(train, { seed: 1 });
    const accuracy = test.filter((e) => clf.predict(e.text).label === e.label).length / test.length;
    console.log(`banking77 held-out accuracy: ${(accuracy * 100).toFixed(2)}% (n=${test.length})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe.skipIf(!existsSync(CLINC))('CLINC150 full (train+oos_train; half of val+oos_val calibrates, the other half tests; needs ../shared/data)', () => {
  it('in-scope accuracy and oos recall stay above their floors', () => {
    const [validation, test] = stratifiedSplit(readExamples(`${CLINC}:val,oos_val`), 0.5, 7);
    const clf = trainClassifier(readExamples(`${CLINC}:train,oos_train`), { seed: 1, validation });
    const inScope = test.filter((e) => e.label !== 'oos');
    const oos = test.filter((e) => e.label === 'oos');
    const inScopeAccuracy = inScope.filter((e) => clf.predict(e.text).label === e.label).length / inScope.length;
    const oosRecall = oos.filter((e) => clf.predict(e.text).label === 'oos').length / oos.length;
    console.log(`clinc150 in-scope accuracy ${(inScopeAccuracy * 100).toFixed(2)}%, oos recall ${(oosRecall * 100).toFixed(2)}% (n=${inScope.length}+${oos.length})`);
    expect(inScopeAccuracy).toBeGreaterThanOrEqual(0.91);
    expect(oosRecall).toBeGreaterThanOrEqual(0.85);
  });
});
