import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArticleFile } from './knowledge.ts';
import { MAX_PASSAGE_CHARS, splitPassages } from './passages.ts';

const KB = join(import.meta.dirname, '../../config/demo/kb');
const demo = (slug: string) => splitPassages(parseArticleFile(`${slug}.md`, readFileSync(join(KB, `${slug}.md`), 'utf8'))[0]!);
const headed = (slug: string, heading: string) => demo(slug).filter((p) => p.heading === heading);

describe('splitPassages over the demo articles', () => {
  it('makes a bold line a heading and keeps its list whole', () => {
    const [hours] = headed('store-locations-and-hours', 'Opening hours (local time)');
    expect(hours?.text).toContain('Monday to Saturday: 10 am – 8 pm');
    expect(hours?.text).toContain('Sunday: 11 am – 6 pm');
    expect(hours?.text).not.toContain('Seattle'); // the address table is a passage of its own
  });

  it('keeps a table with its header row and the sentence introducing it, before the first heading', () => {
    const [intro] = demo('store-locations-and-hours');
    expect(intro).toMatchObject({ position: 0, heading: null });
    expect(intro!.text).toMatch(/^Visit us at one of our five Northwind Outfitters stores:\n\n\| Store \| Address \|/);
    expect(intro!.text).toContain('| Chicago | 1634 N Milwaukee Avenue, Chicago, IL 60647 |');
  });

  it('splits the warranty article into its sections, the 1-year warranty with its list and lead-in', () => {
    const passages = demo('warranty-and-defective-items');
    expect(passages.map((p) => p.heading)).toContain('Faulty on arrival');
    const warranty = headed('warranty-and-defective-items', '1-year warranty on Northwind-made products');
    expect(warranty[0]!.text).toContain('**1-year warranty**');
    expect(warranty[0]!.text).toMatch(/It covers things like:\n\n- seams coming apart/);
    expect(warranty.map((p) => p.text).join('\n')).toContain('It does not cover normal wear and tear');
  });

  it('takes a bold lead ending in ":" as the heading and the rest of its paragraph as the text', () => {
    const [claim] = headed('warranty-and-defective-items', 'Making a warranty claim');
    expect(claim?.text).toBe('contact us with your order number, a description and photos. We reply within 2 business days with a repair, replacement or store credit.');
    const [twice] = headed('failed-payments', 'Charged twice?');
    expect(twice?.text).toMatch(/^A failed attempt can leave/);
  });

  it('keeps the price-match refusal in its own section', () => {
    const [competitors] = headed('price-adjustments-and-price-matching', "Competitors' prices");
    expect(competitors?.text).toMatch(/^We do not match prices/);
    expect(competitors?.text).not.toContain('flash sales');
  });

  it('keeps every passage of the demo knowledge base small, in order, and loses no line', () => {
    for (const file of ['return-policy', 'contact-customer-service', 'northwind-rewards', 'size-guide', 'delivery-times']) {
      const passages = demo(file);
      expect(passages.map((p) => p.position)).toEqual(passages.map((_, i) => i));
      for (const p of passages) {
        expect(p.text.trim()).not.toBe('');
        // only a list or table longer than the limit may pass it (it is never cut)
        if (p.text.length > MAX_PASSAGE_CHARS) expect(p.text).toMatch(/^(- |\d+\. |\|)/m);
      }
      const body = parseArticleFile(`${file}.md`, readFileSync(join(KB, `${file}.md`), 'utf8'))[0]!.body;
      const kept = passages.map((p) => `${p.heading ?? ''}\n${p.text}`).join('\n');
      for (const line of body.split('\n')) {
        const words = line.replace(/[*#|:-]/g, ' ').split(/\s+/).filter((w) => w.length > 3);
        for (const word of words) expect(kept, `${file}: "${line}"`).toContain(word);
      }
    }
  });
});

describe('splitPassages rules', () => {
  it('starts sections at Markdown headings and packs a long section into parts under the same heading', () => {
    const long = Array.from({ length: 8 }, (_, i) => `Paragraph ${i} says something useful about delivery, in about one hundred characters.`).join('\n\n');
    const passages = splitPassages({ title: 'T', body: `Intro line.\n\n## Shipping ##\n\n${long}\n\n### Returns\n\nThirty days.` });
    expect(passages[0]).toEqual({ position: 0, heading: null, text: 'Intro line.' });
    const shipping = passages.filter((p) => p.heading === 'Shipping');
    expect(shipping.length).toBeGreaterThan(1);
    for (const p of shipping) expect(p.text.length).toBeLessThanOrEqual(MAX_PASSAGE_CHARS);
    expect(shipping.map((p) => p.text).join('\n\n')).toBe(long);
    expect(passages.at(-1)).toMatchObject({ heading: 'Returns', text: 'Thirty days.' });
  });

  it('never cuts a list or a table, and cuts a long paragraph only between sentences', () => {
    const items = Array.from({ length: 30 }, (_, i) => `- item ${i} with a little text\n  continued on a second line`).join('\n');
    const sentences = Array.from({ length: 30 }, (_, i) => `Sentence ${i} is here.`).join(' ');
    const passages = splitPassages({ title: 'T', body: `**Things**\n\nWe have:\n\n${items}\n\n${sentences}` });
    expect(passages[0]!.text).toBe(`We have:\n\n${items}`);
    const rest = passages.slice(1).map((p) => p.text);
    expect(rest.join(' ')).toBe(sentences);
    for (const part of rest) expect(part).toMatch(/^Sentence \d+ is here\.(.*\.)?$/);
  });

  it('does not read bold words inside a sentence, or Markdown inside code, as headings', () => {
    const passages = splitPassages({ title: 'T', body: '**Guest checkout** is always available.\n\n```\n# not a heading\n**nor this**\n```' });
    expect(passages).toEqual([{ position: 0, heading: null, text: '**Guest checkout** is always available.\n\n```\n# not a heading\n**nor this**\n```' }]);
  });

  it('returns nothing for an empty body', () => {
    expect(splitPassages({ title: 'T', body: '  \n\n' })).toEqual([]);
  });
});
