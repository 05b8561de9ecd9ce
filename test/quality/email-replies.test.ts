/**
 * Reply extraction on public peer suites (github/email_reply_parser, crisp-oss/email-reply-parser)
 * and our own multi-language cases: the share of fixtures whose extracted text is exactly the
 * expected one, whitespace normalised. Fixtures and their provenance: test/fixtures/email-replies.
 */
import { describe, expect, it } from 'vitest';
import { EMAIL_REPLY_SUITES, scoreSuite } from '../support/email-replies.ts';

const FLOOR = 0.95;

describe('email reply extraction on the fixture suites', () => {
  it.each(EMAIL_REPLY_SUITES)('extracts the %s fixtures exactly right (floor: 95 percent)', (suite) => {
    const score = scoreSuite(suite);
    console.log(`${suite}: ${score.right}/${score.total} right (${(score.accuracy * 100).toFixed(1)}%)`);
    expect(score.total).toBeGreaterThan(20);
    expect(score.accuracy, JSON.stringify(score.failures, null, 1)).toBeGreaterThanOrEqual(FLOOR);
  });
});
