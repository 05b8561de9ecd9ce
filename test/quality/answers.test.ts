/**
 * The answer-quality gate of issue 13: the held-out fixtures (test/fixtures/answers/held-out*.jsonl,
 * never tuned on) run through the real pipeline exactly as `frontdesk eval answers` runs them. The
 * floors sit just under what the engine reaches today (held-out: 90.3% answers, 30/35 dialogues;
 * held-out-2, -3, -4 and -5, each written later by someone who had not seen the engine: 85.5%, 25/27;
 * 82.4%, 16/18; 76.4%, 19/22; 85.5%, 15/16), so a change that loses answers fails here; the targets (90%,
 * every dialogue) are not met on the later sets yet and the floors rise
 * as the engine does. On a failure the message lists every failed item with its reply.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFailures, readAnswerFixture, runAnswerEval, type AnswerFailure, type AnswerReport } from '../../src/cli/commands/eval-answers.ts';
import { MODEL_CACHE_DIR, ROOT } from '../support/paths.ts';

/**
 * Per fixture: knowledge answers that state the asked fact, and unanswerable questions sent to a
 * person (target 0.9); multi-turn dialogues that pass (context, small talk, order privacy, missing
 * parcels; target: all of them).
 */
const FIXTURES = [
  { file: 'held-out.jsonl', answerFloor: 0.89, dialogueFloor: 0.8, minQuestions: 90, minDialogues: 25 },
  { file: 'held-out-2.jsonl', answerFloor: 0.84, dialogueFloor: 0.85, minQuestions: 90, minDialogues: 25 },
  { file: 'held-out-3.jsonl', answerFloor: 0.81, dialogueFloor: 0.8, minQuestions: 90, minDialogues: 15 },
  { file: 'held-out-4.jsonl', answerFloor: 0.75, dialogueFloor: 0.82, minQuestions: 90, minDialogues: 20 },
  { file: 'held-out-5.jsonl', answerFloor: 0.84, dialogueFloor: 0.9, minQuestions: 60, minDialogues: 12 },
];

describe.each(FIXTURES)('answers on $file', ({ file, answerFloor, dialogueFloor, minQuestions, minDialogues }) => {
  let report: AnswerReport;
  /** The failures a target is about, printed with their replies when it is missed. */
  const listed = (keep: (f: AnswerFailure) => boolean) => `\n${formatFailures(report.failures.filter(keep))}`;
  beforeAll(async () => {
    report = await runAnswerEval(readAnswerFixture(join(ROOT, 'test', 'fixtures', 'answers', file)), { cacheDir: MODEL_CACHE_DIR });
  });

  it('is big enough to mean something', () => {
    expect(report.questions).toBeGreaterThanOrEqual(minQuestions);
    expect(report.dialogues).toBeGreaterThanOrEqual(minDialogues);
  });

  it(`states the fact or sends the unanswerable to a person on ≥ ${answerFloor * 100}% of questions`, () => {
    expect(report.answers.rate, listed((f) => f.kind === 'question')).toBeGreaterThanOrEqual(answerFloor);
  });

  it(`passes ≥ ${dialogueFloor * 100}% of dialogues`, () => {
    expect(report.dialoguesPassed.rate, listed((f) => f.kind === 'dialogue')).toBeGreaterThanOrEqual(dialogueFloor);
  });

  it('never fails inside the engine', () => {
    expect(report.engineErrors, listed((f) => f.reasons.includes('engine error'))).toBe(0);
  });
});
