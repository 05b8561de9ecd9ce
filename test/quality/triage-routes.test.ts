/**
 * Quality gate of the default triage: trained on the shipped Bitext training set, the intents it
 * predicts must land on the right route for ≥ 95% of held-out utterances. The same against the
 * Bitext rows that are not shipped is in test/public-data (it needs ../shared/data).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../agents/engines/local/classifier/index.ts';
import { parseJsonl } from '../../agents/engines/local/training/datasets.ts';
import { routeAccuracy, routeOf } from '../support/bitext-routes.ts';
import { SHIPPED_BITEXT } from '../support/paths.ts';

describe('triage quality on Bitext', () => {
  const shipped = parseJsonl(readFileSync(SHIPPED_BITEXT, 'utf8'));

  it('every shipped intent has a route', () => {
    for (const e of shipped) expect(routeOf.has(e.label), e.label).toBe(true);
  });

  it('routes ≥ 95% of a held-out 20% slice of the shipped training set', () => {
    const [train, test] = stratifiedSplit(shipped, 0.2, 11);
    const accuracy = routeAccuracy(train, test);
    console.log(`bitext held-out 20% route accuracy: ${(accuracy * 100).toFixed(2)}% (n=${test.length})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
