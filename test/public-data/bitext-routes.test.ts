/**
 * The default triage against the Bitext rows that are not shipped (needs ../shared/data;
 * `npm run quality`): trained on the whole shipped set, ≥ 95% must land on the right route.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonl, readExamples } from '../../agents/engines/local/training/datasets.ts';
import { routeAccuracy } from '../support/bitext-routes.ts';
import { SHARED_DATA, SHIPPED_BITEXT } from '../support/paths.ts';

const BITEXT = join(SHARED_DATA, 'bitext', 'utterances-20k.csv');

describe.skipIf(!existsSync(BITEXT))('triage against the Bitext rows not shipped (needs ../shared/data)', () => {
  it('routes ≥ 95% of them', () => {
    const shipped = parseJsonl(readFileSync(SHIPPED_BITEXT, 'utf8'));
    const seen = new Set(shipped.map((e) => e.text));
    const unseen = readExamples(BITEXT).filter((e) => !seen.has(e.text.trim().replace(/\s+/g, ' ')));
    expect(unseen.length).toBeGreaterThan(1000);
    const accuracy = routeAccuracy(shipped, unseen);
    console.log(`bitext unshipped rows route accuracy: ${(accuracy * 100).toFixed(2)}% (n=${unseen.length})`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
