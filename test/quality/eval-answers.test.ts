/** The `eval answers` runner itself: fixture parsing, judging, scoring and a real run. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeTurn, parseAnswerFixture, readAnswerFixture, runAnswerEval, scoreAnswers, type TurnOutcome } from '../../src/cli/commands/eval-answers.ts';
import { runEvalCaptured } from '../support/eval.ts';
import { MODEL_CACHE_DIR } from '../support/paths.ts';

const dir = mkdtempSync(join(tmpdir(), 'fd-eval-answers-'));
const lines = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n');

describe('parseAnswerFixture', () => {
  it('reads questions and dialogues with their defaults', () => {
    const items = parseAnswerFixture(
      lines(
        { text: 'how long is your warranty?', expect: ['1.year'] },
        { text: 'do you sell wholesale?', handoff: true },
        { channel: 'email', from: { email: 'A@Example.com' }, turns: [{ text: 'hi' }, { text: 'where is NW-10003?', forbid: ['x'], ticket: true }] },
      ),
      'f.jsonl',
    );
    expect(items.map((i) => [i.kind, i.channel, i.source])).toEqual([
      ['question', 'web', 'f.jsonl:1'],
      ['question', 'web', 'f.jsonl:2'],
      ['dialogue', 'email', 'f.jsonl:3'],
    ]);
    // expect implies the bot must answer; nothing declared means not measured.
    expect(items[0]!.turns[0]!.handoff).toBe(false);
    expect(items[0]!.turns[0]!.expect[0]!.test('a 1-YEAR warranty')).toBe(true);
    expect(items[1]!.turns[0]!.handoff).toBe(true);
    expect(items[2]!.turns[0]!.handoff).toBeUndefined();
    expect(items[2]!.turns[1]!.ticket).toBe(true);
  });

  it.each([
    ['{"text": "hi"}\n{"text": ', /^f\.jsonl:2: not valid JSON$/],
    ['\n\n{"text": "hi", "expects": ["x"]}', /^f\.jsonl:3: .*expects/],
    ['{"turns": []}', /^f\.jsonl:1: turns: /],
    ['{"text": "hi", "expect": ["(unclosed"]}', /^f\.jsonl:1: bad regex/],
    ['{"text": "   "}', /^f\.jsonl:1: the web widget refuses empty/],
    ['{"turns": [{"text": "ok"}, {"text": 3}]}', /^f\.jsonl:1: turns\.1\.text: /],
    ['{"text": "hi", "channel": "slack"}', /^f\.jsonl:1: channel: /],
  ])('a bad line names file:line (%j)', (content, message) => {
    expect(() => parseAnswerFixture(content, 'f.jsonl')).toThrow(message);
  });
});

describe('judging and scoring', () => {
  const turn = (over: Partial<Parameters<typeof judgeTurn>[0]> = {}) => ({ text: 't', expect: [], forbid: [], handoff: undefined, ticket: undefined, ...over });
  const got = (over: Partial<Omit<TurnOutcome, 'route' | 'reasons'>> = {}) => ({ reply: 'We open at 11 am.', handedOff: false, ticketed: false, engineError: false, ...over });

  it('names every reason a turn fails', () => {
    expect(judgeTurn(turn({ expect: [/11 ?am/i], forbid: [/ticket/i], handoff: false }), got())).toEqual([]);
    expect(judgeTurn(turn({ expect: [/10 ?am/i] }), got())).toEqual(['missing /10 ?am/']);
    expect(judgeTurn(turn({ forbid: [/open/i] }), got())).toEqual(['forbidden /open/']);
    expect(judgeTurn(turn({ expect: [/x/], handoff: false }), got({ reply: null, handedOff: true }))).toEqual([
      'no reply (the conversation is with humans)',
      'handed to a person, expected the bot to answer',
    ]);
    expect(judgeTurn(turn({ handoff: true, ticket: true }), got())).toEqual(['expected a handoff to a person with a ticket', 'expected a ticket']);
    expect(judgeTurn(turn(), got({ engineError: true }))).toEqual(['engine error']);
  });

  it('computes accuracy, handoff precision/recall and dialogue pass rate', () => {
    const items = parseAnswerFixture(
      lines(
        { text: 'fact right', expect: ['a'] },
        { text: 'fact wrong', expect: ['a'] },
        { text: 'unanswerable, handed off', handoff: true },
        { text: 'unanswerable, kept by the bot', handoff: true },
        { text: 'small talk handed off', handoff: false },
        { turns: [{ text: 'one', handoff: false }, { text: 'two', expect: ['b'] }] },
      ),
    );
    const out = (reply: string | null, handedOff = false, engineError = false): TurnOutcome => ({ reply, route: 'faq', handedOff, ticketed: handedOff, engineError, reasons: [] });
    const raw = [[out('a')], [out('z')], [out(null, true)], [out('sorry')], [out('x', true, true)], [out('one'), out('b')]];
    const outcomes = raw.map((turns, i) => turns.map((o, k) => ({ ...o, reasons: judgeTurn(items[i]!.turns[k]!, o) })));
    const r = scoreAnswers(items, outcomes);
    expect(r.facts).toEqual({ passed: 1, total: 2, rate: 0.5 });
    expect(r.unanswerable).toEqual({ passed: 1, total: 2, rate: 0.5 });
    expect(r.answers).toEqual({ passed: 2, total: 4, rate: 0.5 });
    // handoff declared on 7 turns: tp 1 (item 3), fn 1 (item 4), fp 1 (item 5), tn 4 (facts and both dialogue turns).
    expect(r.handoff).toMatchObject({ truePositives: 1, falseNegatives: 1, falsePositives: 1, trueNegatives: 4, precision: 0.5, recall: 0.5 });
    expect(r.dialoguesPassed).toEqual({ passed: 1, total: 1, rate: 1 });
    expect(r.engineErrors).toBe(1);
    expect(r.failures.map((f) => f.source)).toEqual(['fixture:2', 'fixture:4', 'fixture:5']);
  });
});

describe('frontdesk eval answers', () => {
  const fixture = join(dir, 'three.jsonl');
  writeFileSync(
    fixture,
    lines(
      { text: 'Where is my order NW-10003? Thanks, Aisha', channel: 'email', from: { email: 'aisha.khan@example.com' }, subject: 'My order', expect: ['1Z4W81E20392017735'] },
      { text: 'how long is your warranty?', expect: ['a fact no reply contains: zqxj'], note: 'fails on purpose' },
      { channel: 'sms', turns: [{ text: 'hi there', forbid: ["couldn't work this out"] }, { text: 'whats ur phone number', forbid: ["couldn't work this out"] }] },
    ) + '\n',
  );

  it('runs each item through the real pipeline and reports the failing one with its reply', async () => {
    const report = await runAnswerEval(readAnswerFixture(fixture), { cacheDir: MODEL_CACHE_DIR });
    expect(report).toMatchObject({ questions: 2, dialogues: 1, turns: 4, engineErrors: 0 });
    expect(report.failures).toHaveLength(1);
    const [failure] = report.failures;
    expect(failure).toMatchObject({ source: `${fixture}:2`, kind: 'question', channel: 'web', reasons: ['missing /a fact no reply contains: zqxj/'] });
    expect(failure!.reply).toEqual(expect.any(String));
    expect(report.facts).toEqual({ passed: 1, total: 2, rate: 0.5 });
    expect(report.dialoguesPassed).toEqual({ passed: 1, total: 1, rate: 1 });
  });

  it('prints the figures and the failure; --json gives one object', async () => {
    const text = await runEvalCaptured(['answers', '--test', fixture, '--cache-dir', MODEL_CACHE_DIR]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/fact accuracy: +50\.0% \(1\/2\)/);
    expect(text.out).toMatch(/dialogues passed: +100\.0% \(1\/1\)/);
    expect(text.out).toMatch(/handoff: precision/);
    expect(text.out).toMatch(/three\.jsonl:2 .*\n +missing \/a fact no reply contains: zqxj\/\n +→ /);
    const json = await runEvalCaptured(['answers', '--test', fixture, '--cache-dir', MODEL_CACHE_DIR, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ questions: 2, dialogues: 1, failures: [{ source: `${fixture}:2` }] });
  });

  it.each([
    [['answers'], /missing --test/],
    [['answers', '--test', join(dir, 'nope.jsonl')], /file not found/],
    [['answers', '--test', fixture, '--bogus'], /Unknown option/],
  ])('bad usage %j → one line and exit code 2', async (args, message) => {
    const { code, err } = await runEvalCaptured(args as string[]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('a bad fixture line → exit code 2 naming file:line', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text": "hi"}\n{"text": "where is\n');
    const { code, err } = await runEvalCaptured(['answers', '--test', bad]);
    expect(code).toBe(2);
    expect(err).toBe(`frontdesk eval: ${bad}:2: not valid JSON\n`);
  });
});
