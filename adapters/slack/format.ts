/**
 * Text ↔ Slack mrkdwn. Agents write Markdown (**bold**, [text](url), lists, tables); Slack has its
 * own dialect and needs &, < and > escaped: answers go through the shared Markdown pipeline's
 * markdownToSlack. Section blocks hold at most 3,000 characters, so long answers are split.
 */
import { escapeSlack, markdownToSlack } from '../../src/render/markdown.ts';

/** Slack truncates `text` beyond 40,000 characters; section blocks take 3,000. */
export const SECTION_LIMIT = 3_000;
const MAX_BLOCKS = 50;
const FALLBACK_LIMIT = 3_000;

/** Escapes the three characters Slack reserves for its control sequences (plain text, no markup). */
export const escapeMrkdwn = escapeSlack;

/** Markdown as agents write it → Slack mrkdwn. */
export const toMrkdwn = markdownToSlack;

/** Slack mrkdwn as users type it → plain text for the agents: mentions, links, entities. */
export function fromMrkdwn(text: string, names: (userId: string) => string | undefined = () => undefined): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_, id: string, label?: string) => `@${label ?? names(id) ?? id}`)
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<(?:mailto:)?([^|>]+)\|([^>]+)>/g, (_, target: string, label: string) => (label === target ? label : `${label} (${target})`))
    .replace(/<(?:mailto:)?([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

/** A section block of mrkdwn text. */
export interface SectionBlock {
  type: 'section';
  text: { type: 'mrkdwn'; text: string };
}

/**
 * The chat.postMessage arguments for an answer: mrkdwn `text` when it fits one section, else
 * section blocks split at paragraph or line ends and a shortened `text` for notifications.
 */
export function messageBody(markdown: string): { text: string; blocks?: SectionBlock[] } {
  const mrkdwn = toMrkdwn(markdown);
  if (mrkdwn.length <= SECTION_LIMIT) return { text: mrkdwn };
  return { text: `${mrkdwn.slice(0, FALLBACK_LIMIT - 1)}…`, blocks: sectionBlocks(markdown) };
}

/** An answer as section blocks alone (a file upload's message takes blocks, not `text`). */
export function sectionBlocks(markdown: string): SectionBlock[] {
  return splitText(toMrkdwn(markdown), SECTION_LIMIT)
    .slice(0, MAX_BLOCKS)
    .map((chunk): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
}

/** Splits at the last paragraph break, else line break, else space, before `limit`. */
export function splitText(text: string, limit: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const cut = [window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' ')].find((i) => i > limit / 2) ?? limit;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}
