/**
 * The email reply-extraction corpus: fixtures of public reply parsers (and our own) with the
 * text a customer really wrote. `scoreSuite` runs `extractReply` over one suite folder and
 * reports the share extracted exactly right after whitespace is normalised (line breaks,
 * trailing spaces and blank lines are layout, not words).
 *
 * Run alone: `npx tsx test/support/email-replies.ts` prints the figures of every suite.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { extractReply } from '../../adapters/email/quotes.ts';
import { ROOT } from './paths.ts';

export const EMAIL_REPLY_SUITES = ['github', 'crisp', 'frontdesk'] as const;
export type EmailReplySuite = (typeof EMAIL_REPLY_SUITES)[number];

/** One expectation: the text, and how much of it the suite's own tests pin ("test", "partial", "ours"). */
interface Expectation {
  expected: string;
  basis: 'test' | 'partial' | 'ours';
  /** A forwarding subject the case is sent with (our own suite). */
  subject?: string;
}

export interface SuiteScore {
  suite: string;
  total: number;
  right: number;
  accuracy: number;
  failures: { fixture: string; expected: string; got: string }[];
}

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

export function suiteDir(suite: string): string {
  return join(ROOT, 'test', 'fixtures', 'email-replies', suite);
}

export function scoreSuite(suite: string): SuiteScore {
  const dir = suiteDir(suite);
  const expectations = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Record<string, Expectation>;
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4))
    .sort();
  const failures: SuiteScore['failures'] = [];
  for (const fixture of fixtures) {
    const expectation = expectations[fixture];
    if (!expectation) throw new Error(`${suite}/${fixture}.txt has no entry in expected.json`);
    const body = readFileSync(join(dir, `${fixture}.txt`), 'utf8');
    const got = extractReply(body, { subject: expectation.subject ?? null }).text;
    if (normalise(got) !== normalise(expectation.expected)) failures.push({ fixture, expected: expectation.expected, got });
  }
  const extra = Object.keys(expectations).filter((name) => !fixtures.includes(name));
  if (extra.length > 0) throw new Error(`${suite}/expected.json names missing fixtures: ${extra.join(', ')}`);
  const right = fixtures.length - failures.length;
  return { suite, total: fixtures.length, right, accuracy: fixtures.length ? right / fixtures.length : 0, failures };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const suite of EMAIL_REPLY_SUITES) {
    const score = scoreSuite(suite);
    console.log(`${suite}: ${score.right}/${score.total} right (${(score.accuracy * 100).toFixed(1)}%)`);
    for (const failure of score.failures) {
      console.log(`  ✗ ${failure.fixture}\n    expected: ${JSON.stringify(failure.expected)}\n    got:      ${JSON.stringify(failure.got)}`);
    }
  }
}
