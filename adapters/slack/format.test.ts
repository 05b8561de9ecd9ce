import { describe, expect, it } from 'vitest';
import { fromMrkdwn, messageBody, SECTION_LIMIT, splitText, toMrkdwn } from './format.ts';

describe('toMrkdwn', () => {
  it('converts bold, italic, strike, links, headings and lists', () => {
    expect(toMrkdwn('**Order NW-10004** has *shipped*, ~~late~~')).toBe('*Order NW-10004* has _shipped_, ~late~');
    expect(toMrkdwn('See [the policy](https://example.com/returns?a=1&b=2).')).toBe('See <https://example.com/returns?a=1&b=2|the policy>.');
    expect(toMrkdwn('Track at https://track.example.com/x.')).toBe('Track at <https://track.example.com/x>.');
    expect(toMrkdwn('## Returns\n- one\n* two\n  + nested')).toBe('*Returns*\n• one\n• two\n  • nested');
    expect(toMrkdwn('| Option | Cost |\n|---|---|\n| Express | $12.95 |')).toBe('*Express*: $12.95');
  });

  it('escapes &, < and > but leaves code alone', () => {
    expect(toMrkdwn('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(toMrkdwn('run `x **y**` now')).toBe('run `x **y**` now');
    expect(toMrkdwn('[a<b](https://e.com)')).toBe('<https://e.com|a&lt;b>');
  });
});

describe('fromMrkdwn', () => {
  it('turns Slack markup into plain text for the agents', () => {
    expect(fromMrkdwn('<@U123|ada> see <https://e.com|this> &amp; <mailto:a@b.c|a@b.c> in <#C1|general> <!here>')).toBe(
      '@ada see this (https://e.com) & a@b.c in #general @here',
    );
    expect(fromMrkdwn('<@U999> hi', (id) => (id === 'U999' ? 'sam' : undefined))).toBe('@sam hi');
  });
});

describe('messageBody', () => {
  it('keeps short answers as text and splits long ones into section blocks', () => {
    expect(messageBody('**hi**')).toEqual({ text: '*hi*' });
    const long = Array.from({ length: 80 }, (_, i) => `Paragraph ${i} ${'word '.repeat(15).trim()}`).join('\n\n');
    const body = messageBody(long);
    expect(body.blocks!.length).toBeGreaterThan(1);
    expect(body.blocks!.every((b) => b.text.text.length <= SECTION_LIMIT)).toBe(true);
    expect(body.blocks!.map((b) => b.text.text).join('\n\n')).toBe(long);
    expect(body.text.length).toBeLessThanOrEqual(SECTION_LIMIT);
  });

  it('splits at paragraph ends before line ends or spaces', () => {
    expect(splitText('aaaa bbbb\n\ncccc', 12)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });
});
