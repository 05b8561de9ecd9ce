/**
 * Splits a knowledge article into passages: the pieces of text an answer can quote on its own.
 *
 * Why passages: an article answers several questions ("Warranty and defective items" holds the
 * 30-day faulty-on-arrival rule and the 1-year warranty). Searching and quoting whole articles
 * gives the customer the first section whatever they asked; a passage is one section, list, table
 * or paragraph, small enough to be the answer, with its section heading as context.
 *
 * Rules, in order:
 *  - Sections start at Markdown headings (`#`…`######`) and at bold lines used as headings: a line
 *    that is all bold (`**Opening hours (local time)**`), a bold lead ending in ':' or '?'
 *    (`**Making a warranty claim:** rest…`, whose rest is the section's first paragraph), or a
 *    short bold-led line without a full stop that introduces a list or table.
 *  - Text before the first heading forms sections with no heading.
 *  - Within a section the units are paragraphs, lists and tables. A list or table keeps the
 *    paragraph before it when that paragraph introduces it (ends with ':'), or at least that
 *    paragraph's last sentence when both together would be too long.
 *  - A section up to {@link MAX_PASSAGE_CHARS} is one passage; a longer one is packed into
 *    passages of whole units, each under the same heading. A list or table is never cut, even when
 *    it alone is longer; a long paragraph is cut between sentences.
 */

/** One passage as split from an article, before it is stored. */
export interface PassageDraft {
  /** 0-based order of the passage in its article. */
  position: number;
  /** The section heading the passage sits under, without Markdown; null before the first heading. */
  heading: string | null;
  /** The passage's Markdown text (the heading not repeated). */
  text: string;
}

/** A passage's id: its article's and its position, so re-writing an unchanged article keeps them. */
export const passageId = (articleId: string, position: number) => `${articleId}:${position}`;

/** About what one answer can quote; longer sections are split. */
export const MAX_PASSAGE_CHARS = 600;

type BlockKind = 'paragraph' | 'list' | 'table' | 'code';
interface Block {
  kind: BlockKind;
  text: string;
}
interface Section {
  heading: string | null;
  blocks: Block[];
}

const MARKDOWN_HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])\s+/;
const TABLE_ROW = /^ {0,3}\|/;
const FENCE = /^ {0,3}(```|~~~)/;
/** A whole line in bold, optionally followed by ':' (inside or outside the bold). */
const BOLD_LINE = /^\*\*([^*]+?)\*\*\s*:?\s*$/;
/** A bold lead ending in ':' or '?', inside or just after the bold, then the paragraph's text. */
const BOLD_LEAD = /^\*\*([^*]+?[:?])\*\*\s+(\S.*)$|^\*\*([^*]+?)\*\*:\s+(\S.*)$/s;
/** A bold-led line that may be a heading when a list or table follows: short, no full stop. */
const BOLD_LED_SHORT = /^\*\*[^*]+\*\*[^.!]{0,60}$/;

const cleanHeading = (text: string) =>
  text
    .replace(/\*\*|__/g, '')
    .replace(/\s*:\s*$/, '')
    .trim();

/** Splits the body into blocks: runs of lines of one kind, paragraphs ending at blank lines. */
function blocksOf(body: string): { heading?: string; block?: Block }[] {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const out: { heading?: string; block?: Block }[] = [];
  let current: Block | null = null;
  let fence: string | null = null;
  const flush = () => {
    if (current && current.text.trim()) out.push({ block: { kind: current.kind, text: current.text.replace(/\s+$/, '') } });
    current = null;
  };
  const push = (kind: BlockKind, line: string) => {
    if (current && current.kind === kind) current.text += `\n${line}`;
    else {
      flush();
      current = { kind, text: line };
    }
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      push('code', line);
      if (line.trimStart().startsWith(fence)) {
        fence = null;
        flush();
      }
      continue;
    }
    const fenceOpen = FENCE.exec(line);
    if (fenceOpen) {
      flush();
      fence = fenceOpen[1]!;
      push('code', line);
      continue;
    }
    if (!line.trim()) {
      // A blank line ends a paragraph or table; a list goes on if an item or indented line follows.
      const next = lines.slice(i + 1).find((l) => l.trim());
      const open = current as Block | null;
      if (open?.kind === 'list' && next !== undefined && (LIST_ITEM.test(next) || /^\s{2,}\S/.test(next))) continue;
      flush();
      continue;
    }
    const heading = MARKDOWN_HEADING.exec(line);
    if (heading) {
      flush();
      out.push({ heading: cleanHeading(heading[2]!) });
      continue;
    }
    const open = current as Block | null;
    if (TABLE_ROW.test(line)) push('table', line);
    else if (LIST_ITEM.test(line)) push('list', line);
    else if (open?.kind === 'list') push('list', line); // an item's continuation
    else push('paragraph', line);
  }
  flush();
  return out;
}

/** Groups blocks into sections, turning bold lines used as headings into headings. */
function sectionsOf(body: string): Section[] {
  const items = blocksOf(body);
  const sections: Section[] = [{ heading: null, blocks: [] }];
  const start = (heading: string) => sections.push({ heading, blocks: [] });
  items.forEach((item, i) => {
    if (item.heading !== undefined) return start(item.heading);
    const block = item.block!;
    if (block.kind === 'paragraph' && !block.text.includes('\n')) {
      const whole = BOLD_LINE.exec(block.text);
      if (whole) return start(cleanHeading(whole[1]!));
      const lead = BOLD_LEAD.exec(block.text);
      if (lead) {
        start(cleanHeading(lead[1] ?? lead[3]!));
        sections.at(-1)!.blocks.push({ kind: 'paragraph', text: (lead[2] ?? lead[4]!).trim() });
        return;
      }
      const next = items[i + 1]?.block;
      if (BOLD_LED_SHORT.test(block.text) && (next?.kind === 'list' || next?.kind === 'table')) return start(cleanHeading(block.text));
    }
    sections.at(-1)!.blocks.push(block);
  });
  return sections.filter((s) => s.blocks.length > 0);
}

/** Sentences of a paragraph (a full stop, '!' or '?' followed by a space and a capital or digit). */
const sentencesOf = (text: string) => text.split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}*"'(])/u);

/** Cuts a paragraph longer than the limit between sentences; a sentence is never cut. */
function cutParagraph(text: string): string[] {
  if (text.length <= MAX_PASSAGE_CHARS) return [text];
  const parts: string[] = [];
  let part = '';
  for (const sentence of sentencesOf(text)) {
    if (part && part.length + 1 + sentence.length > MAX_PASSAGE_CHARS) {
      parts.push(part);
      part = sentence;
    } else part = part ? `${part} ${sentence}` : sentence;
  }
  if (part) parts.push(part);
  return parts;
}

/** A section's units: lists and tables with their lead-in, paragraphs cut to size. */
function unitsOf(blocks: Block[]): string[] {
  const units: string[] = [];
  blocks.forEach((block, i) => {
    const next = blocks[i + 1];
    const introduces = block.kind === 'paragraph' && /:\s*$/.test(block.text) && (next?.kind === 'list' || next?.kind === 'table');
    if (introduces) return; // joined to the list or table below
    const previous = blocks[i - 1];
    if ((block.kind === 'list' || block.kind === 'table') && previous?.kind === 'paragraph' && /:\s*$/.test(previous.text)) {
      const together = `${previous.text}\n\n${block.text}`;
      if (together.length <= MAX_PASSAGE_CHARS) return void units.push(together);
      const sentences = sentencesOf(previous.text);
      const rest = sentences.slice(0, -1).join(' ');
      if (rest) units.push(...cutParagraph(rest));
      return void units.push(`${sentences.at(-1)!}\n\n${block.text}`);
    }
    if (block.kind === 'paragraph') units.push(...cutParagraph(block.text));
    else units.push(block.text);
  });
  return units;
}

/** Packs units into passages of at most the limit where they allow it, in order. */
function pack(units: string[]): string[] {
  const passages: string[] = [];
  let current = '';
  for (const unit of units) {
    if (current && current.length + 2 + unit.length > MAX_PASSAGE_CHARS) {
      passages.push(current);
      current = unit;
    } else current = current ? `${current}\n\n${unit}` : unit;
  }
  if (current) passages.push(current);
  return passages;
}

/** The passages of an article, in order; an article with an empty body has none. */
export function splitPassages(article: { title: string; body: string }): PassageDraft[] {
  const passages: PassageDraft[] = [];
  for (const section of sectionsOf(article.body)) {
    for (const text of pack(unitsOf(section.blocks))) passages.push({ position: passages.length, heading: section.heading, text });
  }
  return passages;
}
