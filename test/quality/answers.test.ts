/**
 * The answer-quality gate of issue 13: the held-out fixture (test/fixtures/answers/held-out.jsonl,
 * never tuned on) runs through the real pipeline exactly as `frontdesk eval answers` runs it. The
 * floors are what the engine reaches today (85.4% answers, 25/35 dialogues), so a change that
 * loses answers fails here; the targets (90%, every dialogue) are not met yet and the
 * floors rise as the engine does. On a failure the message lists every failed item with its reply.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFailures, readAnswerFixture, runAnswerEval, type AnswerFailure, type AnswerReport } from '../../src/cli/commands/eval-answers.ts';
import { MODEL_CACHE_DIR, ROOT } from '../support/paths.ts';

const HELD_OUT = join(ROOT, 'test', 'fixtures', 'answers', 'held-out.jsonl');
/** Knowledge answers that state the asked fact, and unanswerable questions sent to a person (target 0.9). */
const ANSWER_FLOOR = 0.85;
/** Multi-turn dialogues that pass (context, small talk, order privacy, missing parcels); target: all of them. */
const DIALOGUE_FLOOR = 0.71;

describe('answers on the held-out fixture', () => {
  let report: AnswerReport;
  /** The failures a target is about, printed with their replies when it is missed. */
  const listed = (keep: (f: AnswerFailure) => boolean) => `\n${formatFailures(report.failures.filter(keep))}`;
  beforeAll(async () => {
    report = await runAnswerEval(readAnswerFixture(HELD_OUT), { cacheDir: MODEL_CACHE_DIR });
  });

  it('is big enough to mean something', () => {
    expect(report.questions).toBeGreaterThanOrEqual(90);
    expect(report.dialogues).toBeGreaterThanOrEqual(28);
  });

  it(`states the fact or sends the unanswerable to a person on ≥ ${ANSWER_FLOOR * 100}% of questions`, () => {
    expect(report.answers.rate, listed((f) => f.kind === 'question')).toBeGreaterThanOrEqual(ANSWER_FLOOR);
  });

  it('passes every dialogue', () => {
    expect(report.dialoguesPassed.rate, listed((f) => f.kind === 'dialogue')).toBeGreaterThanOrEqual(DIALOGUE_FLOOR);
  });

  it('never fails inside the engine', () => {
    expect(report.engineErrors, listed((f) => f.reasons.includes('engine error'))).toBe(0);
  });
});
