/**
 * Quality gate of the deployment's triage on the held-out mixed-channel set
 * (test/fixtures/routes/mixed-channel.jsonl: hand-written e-mail, SMS, Slack and web messages that
 * are never trained on). Scored through `frontdesk eval routes`, i.e. through the engine's own
 * triage decision: text cleaning, per-route probabilities, the 0.6 threshold and its fallback to
 * escalation. Reads the model the global setup trained and cached. Needs only the repository, so
 * it always runs.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RouteReport } from '../../src/cli/commands/eval.ts';
import { runEvalCaptured } from '../support/eval.ts';
import { MODEL_CACHE_DIR } from '../support/paths.ts';

const MIXED = resolve(import.meta.dirname, '../fixtures/routes/mixed-channel.jsonl');
/** Bitext-style requests in wording of their own (test/fixtures/routes/README.md), never tuned on. */
const REQUESTS = resolve(import.meta.dirname, '../fixtures/routes/requests-held-out.jsonl');

/** Route accuracy measured when this gate was set (95.6%, see the README's Quality section), minus a small margin. */
const ACCURACY_FLOOR = 0.945;
/** requests-held-out.jsonl: 99% when this gate was set (90% before the training set drew on both Bitext files). */
const REQUESTS_FLOOR = 0.96;

describe('deployment triage on the held-out mixed-channel set', () => {
  it('routes the messages and is calibrated where it is confident', async () => {
    const { code, out } = await runEvalCaptured(['routes', '--test', MIXED, '--cache-dir', MODEL_CACHE_DIR, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as RouteReport;
    console.log(
      `mixed-channel route accuracy ${(report.accuracy * 100).toFixed(2)}% (n=${report.n}); ` +
        `confidence ≥ 0.8 on ${(report.calibration.coverage * 100).toFixed(1)}%, ` +
        `${((report.calibration.accuracy ?? 0) * 100).toFixed(2)}% of them correct`,
    );
    expect(report.n).toBe(204);
    expect(report.accuracy).toBeGreaterThanOrEqual(ACCURACY_FLOOR);
    // Calibration: what triage is sure of (≥ 0.8) is right at least 97% of the time (the target;
    // 98.4% measured), and that covers a real share of the traffic (a model that is never sure
    // would pass trivially).
    expect(report.calibration.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.calibration.coverage).toBeGreaterThanOrEqual(0.5);
  });

  it('routes Bitext-style requests worded unlike the training rows', async () => {
    const { code, out } = await runEvalCaptured(['routes', '--test', REQUESTS, '--cache-dir', MODEL_CACHE_DIR, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as RouteReport;
    console.log(`requests-held-out route accuracy ${(report.accuracy * 100).toFixed(2)}% (n=${report.n})`);
    expect(report.n).toBe(100);
    expect(report.accuracy).toBeGreaterThanOrEqual(REQUESTS_FLOOR);
  });
});
