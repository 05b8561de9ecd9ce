import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../test/support/paths.ts';
import { markdownToHtml, markdownToSlack, markdownToText } from './markdown.ts';

const KB_DIR = join(ROOT, 'config', 'demo', 'kb');
/** The demo knowledge base: the Markdown the FAQ agent actually answers with (front matter cut). */
const articles = readdirSync(KB_DIR)
  .filter((name) => name.endsWith('.md') && name !== 'README.md')
  .map((name) => ({ name, body: readFileSync(join(KB_DIR, name), 'utf8').replace(/^---\n[\s\S]*?\n---\n/, '') }));
const article = (name: string) => articles.find((a) => a.name === name)!.body;

const ALLOWED_TAGS = new Set(['div', 'p', 'br', 'strong', 'em', 's', 'a', 'code', 'pre', 'ul', 'ol', 'li', 'blockquote', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td']);
const ALLOWED_ATTRIBUTES = new Set(['href', 'target', 'rel', 'title', 'style', 'start', 'class']);

/** Every tag and attribute in `html`, so a test can hold them to an allowlist. */
function markupOf(html: string): { tags: string[]; attributes: string[]; hrefs: string[]; styles: string[] } {
  const tags: string[] = [];
  const attributes: string[] = [];
  const hrefs: string[] = [];
  const styles: string[] = [];
  for (const [, name, attrs] of html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)) {
    tags.push(name!.toLowerCase());
    for (const [, attr, value] of attrs!.matchAll(/([^\s=/]+)(?:="([^"]*)")?/g)) {
      attributes.push(attr!.toLowerCase());
      if (attr === 'href') hrefs.push(value ?? '');
      if (attr === 'style') styles.push(value ?? '');
    }
  }
  return { tags, attributes, hrefs, styles };
}

function expectSafeHtml(html: string): void {
  const { tags, attributes, hrefs, styles } = markupOf(html);
  // The only class is the table's scroll box; the only div is that box.
  expect([...html.matchAll(/class="([^"]*)"/g)].map((m) => m[1])).toEqual([...html.matchAll(/<div/g)].map(() => 'md-table'));
  expect(tags.filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
  expect(attributes.filter((a) => !ALLOWED_ATTRIBUTES.has(a))).toEqual([]);
  expect(hrefs.filter((h) => !/^(https?:\/\/|mailto:)/i.test(h))).toEqual([]);
  expect(styles.filter((s) => !/^text-align:(left|right|center)$/.test(s))).toEqual([]);
}

describe('every demo knowledge article on every channel', () => {
  it('has articles with tables, lists, links and bold to render', () => {
    expect(articles.length).toBeGreaterThan(25);
    const all = articles.map((a) => a.body).join('\n');
    for (const feature of [/^\|---/m, /^- /m, /^1\. /m, /\*\*/, /\[[^\]]+\]\([^)]+\)|@/]) expect(all).toMatch(feature);
  });

  for (const { name, body } of articles) {
    it(name, () => {
      const html = markdownToHtml(body);
      const text = markdownToText(body);
      const slack = markdownToSlack(body);
      for (const out of [html, text, slack]) {
        expect(out).not.toContain('**');
        expect(out).not.toMatch(/\|\s*-{3,}\s*\|/);
        expect(out).not.toMatch(/<script/i);
      }
      expectSafeHtml(html);
      // Plain text has no HTML and no emphasis markers left; Slack uses single markers only.
      expect(text).not.toMatch(/<\/?[a-z]+>|\*\w|\w\*|(^|\s)_\w/i);
      expect(slack).not.toMatch(/<\/?[a-z]+>/i);
      if (body.includes('|---')) {
        expect(html).toContain('<table>');
        expect(text).not.toContain('|');
      }
    });
  }
});

describe('markdownToHtml', () => {
  it('renders the store table, bold lines and lists', () => {
    const html = markdownToHtml(article('store-locations-and-hours.md'));
    expect(html).toContain('<div class="md-table">\n<table>\n<thead>\n<tr>\n<th>Store</th>\n<th>Address</th>\n</tr>\n</thead>');
    expect(html).toContain('<tr>\n<td>Seattle</td>\n<td>1420 Pine Street, Seattle, WA 98101</td>\n</tr>');
    expect(html).toContain('<p><strong>Opening hours (local time)</strong></p>\n<ul>\n<li>Monday to Saturday: 10 am – 8 pm</li>');
  });

  it('links URLs and emails, opening them in a new tab without an opener', () => {
    expect(markdownToHtml('Track it at https://track.example.com/x?a=1&b=2. Or write to help@northwind.example')).toBe(
      '<p>Track it at <a href="https://track.example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">https://track.example.com/x?a=1&amp;b=2</a>. ' +
        'Or write to <a href="mailto:help@northwind.example" target="_blank" rel="noopener noreferrer">help@northwind.example</a></p>\n',
    );
    expect(markdownToHtml('See [our return policy](https://northwind.example/returns).')).toBe(
      '<p>See <a href="https://northwind.example/returns" target="_blank" rel="noopener noreferrer">our return policy</a>.</p>\n',
    );
  });

  it('keeps the author\'s line breaks', () => {
    expect(markdownToHtml('Order NW-10004\nStatus: shipped')).toBe('<p>Order NW-10004<br>\nStatus: shipped</p>\n');
  });

  it('turns images into links (no remote loads in mail or the widget)', () => {
    expect(markdownToHtml('![Size chart](https://cdn.example.com/chart.png)')).toBe(
      '<p><a href="https://cdn.example.com/chart.png" target="_blank" rel="noopener noreferrer">Size chart</a></p>\n',
    );
  });

  it('adds inline styles per tag when asked (email), keeping column alignment', () => {
    const html = markdownToHtml('| a | b |\n|---|--:|\n| 1 | 2 |', { inlineStyles: { table: 'border-collapse:collapse', td: 'padding:4px' } });
    expect(html).toContain('<table style="border-collapse:collapse">');
    expect(html).toContain('<td style="padding:4px">1</td>\n<td style="text-align:right;padding:4px">2</td>');
    expect(html).toContain('<th>a</th>');
  });

  describe('never lets markup or script through', () => {
    const attacks: [string, string][] = [
      ['<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n'],
      ['<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>\n'],
      ['[x](javascript:alert(1))', '<p>[x](javascript:alert(1))</p>\n'],
      ['[x](JaVaScRiPt:alert(1))', '<p>[x](JaVaScRiPt:alert(1))</p>\n'],
      ['[x](java&#115;cript:alert(1))', '<p>[x](javascript:alert(1))</p>\n'],
      ['[x](<javascript:alert(1)>)', '<p>[x](&lt;javascript:alert(1)&gt;)</p>\n'],
      ['<javascript:alert(1)>', '<p>&lt;javascript:alert(1)&gt;</p>\n'],
      ['![a](javascript:alert(1))', '<p>![a](javascript:alert(1))</p>\n'],
      ['[x](data:text/html;base64,PHNjcmlwdD4=)', '<p>[x](data:text/html;base64,PHNjcmlwdD4=)</p>\n'],
      ['[x](vbscript:msgbox(1))', '<p>[x](vbscript:msgbox(1))</p>\n'],
      ['[x](file:///etc/passwd)', '<p>[x](file:///etc/passwd)</p>\n'],
      ['[relative](/admin)', '<p>[relative](/admin)</p>\n'],
      ['<div onclick="steal()">\n<iframe src="https://evil.example"></iframe>\n</div>', '<p>&lt;div onclick=&quot;steal()&quot;&gt;<br>\n&lt;iframe src=&quot;<a href="https://evil.example" target="_blank" rel="noopener noreferrer">https://evil.example</a>&quot;&gt;&lt;/iframe&gt;<br>\n&lt;/div&gt;</p>\n'],
      ['[x](https://e.example "a\\" onmouseover=\\"alert(1)")', '<p><a href="https://e.example" title="a&quot; onmouseover=&quot;alert(1)" target="_blank" rel="noopener noreferrer">x</a></p>\n'],
      ['<a href="javascript:alert(1)">click</a>', '<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt;</p>\n'],
      ['`<b>bold</b>`', '<p><code>&lt;b&gt;bold&lt;/b&gt;</code></p>\n'],
      ['| <img src=x onerror=alert(1)> | b |\n|---|---|\n| 1 | 2 |', '<div class="md-table">\n<table>\n<thead>\n<tr>\n<th>&lt;img src=x onerror=alert(1)&gt;</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n</div>\n'],
    ];
    for (const [input, expected] of attacks) {
      it(input, () => {
        const html = markdownToHtml(input);
        expect(html).toBe(expected);
        expectSafeHtml(html);
      });
    }
  });
});

describe('markdownToText', () => {
  it('writes a two-column table as "label: value" lines', () => {
    expect(markdownToText(article('store-locations-and-hours.md'))).toBe(
      [
        'Visit us at one of our five Northwind Outfitters stores:',
        '',
        'Seattle: 1420 Pine Street, Seattle, WA 98101',
        'Portland: 915 NW Glisan Street, Portland, OR 97209',
        'San Francisco: 388 Hayes Street, San Francisco, CA 94102',
        'Denver: 1555 Blake Street, Denver, CO 80202',
        'Chicago: 1634 N Milwaukee Avenue, Chicago, IL 60647',
        '',
        'Opening hours (local time)',
        '',
        '- Monday to Saturday: 10 am – 8 pm',
        '- Sunday: 11 am – 6 pm',
        "- Closed on Thanksgiving, Christmas Day and New Year's Day. Hours around holidays are posted on each store's page.",
        '',
        'In-store services',
        '',
        '- Free in-store pickup: choose it at checkout; we email you when it is ready, usually the next business day. Bring your order number and photo ID. Orders are held for 10 days.',
        '- Returns and exchanges of online orders.',
        '- Jeans hemming and free gift wrapping.',
        '',
        'Store stock differs from online stock. Use Check store availability on a product page to see what is on the shelf today. Store associates cannot look up or change online orders placed with a different contact method; for those, contact customer service.',
      ].join('\n'),
    );
  });

  it('names the columns of a wider table in every row', () => {
    expect(markdownToText(article('shipping-options-and-costs.md'))).toContain(
      [
        'Standard - Delivery time: 4–6 business days; Cost: $5.95, free on orders over $50',
        'Express - Delivery time: 2–3 business days; Cost: $12.95',
      ].join('\n'),
    );
  });

  it('numbers ordered lists, nests lists and keeps a list under its lead-in line', () => {
    expect(markdownToText('Do this:\n1. **Open** the order\n2. Pick _Return_\n   - one item\n   - or all\n\nDone.')).toBe(
      'Do this:\n1. Open the order\n2. Pick Return\n   - one item\n   - or all\n\nDone.',
    );
    expect(markdownToText('3. third\n4. fourth')).toBe('3. third\n4. fourth');
  });

  it('writes links as "text (url)", or just the URL when the text is the URL', () => {
    expect(markdownToText('See [the return policy](https://northwind.example/returns) or https://northwind.example/faq.')).toBe(
      'See the return policy (https://northwind.example/returns) or https://northwind.example/faq.',
    );
    expect(markdownToText('[https://example.com](https://example.com)')).toBe('https://example.com');
    expect(markdownToText('[example.com](https://example.com/)')).toBe('example.com');
    expect(markdownToText('Write to [us](mailto:help@northwind.example) or help@northwind.example')).toBe('Write to us (help@northwind.example) or help@northwind.example');
  });

  it('keeps headings as plain lines and leaves code, snake_case and arithmetic alone', () => {
    expect(markdownToText('## Your order\n\n**Shipped** on _Monday_ with `UPS`.')).toBe('Your order\n\nShipped on Monday with UPS.');
    expect(markdownToText('order_id NW-10003 costs 2 * 3 = 6')).toBe('order_id NW-10003 costs 2 * 3 = 6');
    expect(markdownToText('https://example.com/orders/NW_10003_a')).toBe('https://example.com/orders/NW_10003_a');
    expect(markdownToText('```\nline 1\nline 2\n```')).toBe('line 1\nline 2');
  });

  it('shows raw HTML and refused links as the text they are', () => {
    expect(markdownToText('<b>hi</b> [x](javascript:alert(1))')).toBe('<b>hi</b> [x](javascript:alert(1))');
    expect(markdownToText('')).toBe('');
  });
});

describe('markdownToSlack', () => {
  it('converts bold, italic, strike, links, headings and lists', () => {
    expect(markdownToSlack('**Order NW-10004** has *shipped*, ~~late~~')).toBe('*Order NW-10004* has _shipped_, ~late~');
    expect(markdownToSlack('See [the policy](https://example.com/returns?a=1&b=2).')).toBe('See <https://example.com/returns?a=1&b=2|the policy>.');
    expect(markdownToSlack('Track at https://track.example.com/x.')).toBe('Track at <https://track.example.com/x>.');
    expect(markdownToSlack('Mail help@northwind.example')).toBe('Mail <mailto:help@northwind.example|help@northwind.example>');
    expect(markdownToSlack('## Returns\n- one\n- two\n  - nested')).toBe('*Returns*\n• one\n• two\n  • nested');
    expect(markdownToSlack('## **Bold** heading')).toBe('*Bold heading*');
  });

  it('writes tables as lines with the row label in bold', () => {
    expect(markdownToSlack(article('store-locations-and-hours.md'))).toContain('*Seattle*: 1420 Pine Street, Seattle, WA 98101\n*Portland*:');
    expect(markdownToSlack(article('international-shipping.md'))).toContain(
      '*International Standard* - Delivery time: 7–14 business days; Cost: $14.95, *free on orders over $150*',
    );
  });

  it('escapes &, < and > everywhere but leaves code content alone otherwise', () => {
    expect(markdownToSlack('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(markdownToSlack('run `x **y**` now')).toBe('run `x **y**` now');
    expect(markdownToSlack('[a<b](https://e.com)')).toBe('<https://e.com|a&lt;b>');
    expect(markdownToSlack('[a|b](https://e.com)')).toBe('<https://e.com|a¦b>');
    expect(markdownToSlack('<script>alert(1)</script> <!channel>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt;');
    expect(markdownToSlack('> quoted\n> twice')).toBe('> quoted\n> twice');
  });
});
