/**
 * One Markdown pipeline for every channel. Agents and staff write light Markdown (bold, lists,
 * pipe tables, links from knowledge articles); each channel gets it in its own form from the same
 * markdown-it parse:
 *
 * - `markdownToHtml`: safe HTML for the widget, the console and email (raw HTML is escaped, only
 *   http/https/mailto links survive, links open in a new tab without an opener).
 * - `markdownToText`: plain text for SMS and the text part of email.
 * - `markdownToSlack`: Slack mrkdwn.
 *
 * Text and Slack walk markdown-it's token stream, so emphasis inside URLs, snake_case words or
 * code spans is never mistaken for markup.
 */
import MarkdownIt, { type Token } from 'markdown-it';

/** Link schemes a rendered link may use; anything else (javascript:, data:, file:, relative) stays text. */
const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

const md = new MarkdownIt('default', {
  // Raw HTML in the source is shown as text, never passed through.
  html: false,
  linkify: true,
  // Chat replies are written line by line: a single newline is a line break, as the author meant it.
  breaks: true,
  typographer: false,
});
// markdown-it's own check only blocks a few bad schemes; allow exactly the ones we can vouch for.
// It receives the normalized URL (entities decoded, percent-encoded), so `java&#115;cript:` is caught too.
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

md.renderer.rules.link_open = (tokens, idx, options, _env, self) => {
  const token = tokens[idx]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return self.renderToken(tokens, idx, options);
};
// A table sits in its own box, so a narrow chat panel can scroll it sideways instead of squeezing it.
md.renderer.rules.table_open = (tokens, idx, options, _env, self) => `<div class="md-table">\n${self.renderToken(tokens, idx, options)}`;
md.renderer.rules.table_close = (tokens, idx, options, _env, self) => `${self.renderToken(tokens, idx, options)}</div>\n`;
// Images become links to the image: no remote loads (tracking pixels) in the widget or in email.
md.renderer.rules.image = (tokens, idx) => {
  const token = tokens[idx]!;
  const src = attr(token, 'src');
  const label = md.utils.escapeHtml(token.content || src);
  return `<a href="${md.utils.escapeHtml(src)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
};

/** An attribute of a token as a string (markdown-it types attribute values as string | number). */
function attr(token: Token, name: string): string {
  return String(token.attrGet(name) ?? '');
}

/** Inline CSS per HTML tag, for clients that drop <style> (email). */
export type InlineStyles = Partial<Record<string, string>>;

export interface HtmlOptions {
  /** CSS added as a `style` attribute to every element of the given tag (e.g. `{ table: 'border-collapse:collapse' }`). */
  inlineStyles?: InlineStyles;
}

function addInlineStyles(tokens: Token[], styles: InlineStyles): void {
  for (const token of tokens) {
    const style = token.nesting === 1 ? styles[token.tag] : undefined;
    if (style) {
      // markdown-it sets text-align on aligned table cells; keep it and add ours.
      const existing = attr(token, 'style');
      token.attrSet('style', existing ? `${existing};${style}` : style);
    }
    if (token.children) addInlineStyles(token.children, styles);
  }
}

/**
 * Markdown → safe HTML. Raw HTML is escaped (`html: false`), pipe tables become <table>, bare
 * URLs and emails become links, every link gets `target="_blank" rel="noopener noreferrer"`, and
 * only http, https and mailto links are rendered (others stay as literal text).
 */
export function markdownToHtml(markdown: string, options: HtmlOptions = {}): string {
  const env = {};
  const tokens = md.parse(markdown, env);
  if (options.inlineStyles) addInlineStyles(tokens, options.inlineStyles);
  return md.renderer.render(tokens, md.options, env);
}

// ───────────────────────── token walk for text and Slack ─────────────────────────

/** A block token with what lies between it and its closing token. */
interface Node {
  token: Token;
  children: Node[];
}

function toTree(tokens: Token[]): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const token of tokens) {
    if (token.nesting === -1) {
      stack.pop();
      continue;
    }
    const node: Node = { token, children: [] };
    stack.at(-1)!.push(node);
    if (token.nesting === 1) stack.push(node.children);
  }
  return root;
}

/** How one output format spells the inline and block pieces. */
interface Dialect {
  escape(text: string): string;
  strong: string;
  em: string;
  strike: string;
  code(content: string): string;
  codeBlock(content: string): string;
  /** A link whose label differs from its URL, and one whose label is the URL itself. */
  link(href: string, label: string): string;
  bareLink(href: string, shown: string): string;
  heading(inline: string): string;
  bullet: string;
  quote(text: string): string;
  /** First cell of a table row, as a row label. */
  rowLabel(cell: string): string;
  /** The source's lines, to see where the author left blank lines. */
  lines: string[];
}

/** Does a link's label just repeat its target ("example.com" for https://example.com/)? */
function labelIsUrl(label: string, href: string): boolean {
  const bare = (url: string) => url.trim().replace(/^(?:https?:\/\/|mailto:)/i, '').replace(/\/$/, '').toLowerCase();
  return bare(label) === bare(href) || bare(label) === bare(decodeSafely(href));
}

function decodeSafely(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

function renderInline(tokens: Token[], dialect: Dialect, plainEmphasis = false): string {
  let out = '';
  // Open links: where their label starts in `out`, and their target.
  const links: { start: number; href: string }[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case 'text':
        out += dialect.escape(token.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'code_inline':
        out += dialect.code(token.content);
        break;
      case 'strong_open':
      case 'strong_close':
        out += plainEmphasis ? '' : dialect.strong;
        break;
      case 'em_open':
      case 'em_close':
        out += plainEmphasis ? '' : dialect.em;
        break;
      case 's_open':
      case 's_close':
        out += plainEmphasis ? '' : dialect.strike;
        break;
      case 'link_open':
        links.push({ start: out.length, href: attr(token, 'href') });
        break;
      case 'link_close': {
        const link = links.pop();
        if (!link) break;
        const label = out.slice(link.start);
        out = out.slice(0, link.start);
        // Autolinks and linkified URLs show the URL as the author wrote it.
        if (token.markup === 'linkify' || token.markup === 'autolink' || labelIsUrl(label, link.href)) out += dialect.bareLink(link.href, label);
        else out += dialect.link(link.href, label);
        break;
      }
      case 'image': {
        const src = attr(token, 'src');
        out += token.content && !labelIsUrl(token.content, src) ? dialect.link(src, dialect.escape(token.content)) : dialect.bareLink(src, dialect.escape(src));
        break;
      }
      default:
        // html_inline cannot occur (html: false); anything a plugin adds is kept as text.
        out += dialect.escape(token.content);
    }
  }
  return out;
}

function inlineOf(node: Node | undefined, dialect: Dialect, plainEmphasis = false): string {
  const inline = node?.children.find((child) => child.token.type === 'inline') ?? node;
  return inline?.token.type === 'inline' ? renderInline(inline.token.children ?? [], dialect, plainEmphasis).trim() : '';
}

/** Table rows as lines: "label: value" for two columns, "label - Header: value; …" for more. */
function renderTable(table: Node, dialect: Dialect): string {
  const sections = table.children.filter((child) => child.token.type === 'thead_open' || child.token.type === 'tbody_open');
  const rowsOf = (section: Node | undefined) =>
    (section?.children ?? []).filter((row) => row.token.type === 'tr_open').map((row) => row.children.map((cell) => inlineOf(cell, dialect)));
  const header = rowsOf(sections.find((s) => s.token.type === 'thead_open'))[0] ?? [];
  const body = rowsOf(sections.find((s) => s.token.type === 'tbody_open'));
  if (body.length === 0) return header.filter(Boolean).join(', ');
  return body
    .map((cells) => {
      const [first = '', ...rest] = cells;
      const values = rest
        .map((value, i) => {
          const title = rest.length > 1 ? (header[i + 1] ?? '') : '';
          return value === '' ? '' : title ? `${title}: ${value}` : value;
        })
        .filter(Boolean);
      const joined = values.join(rest.length > 1 ? '; ' : ', ');
      if (!first) return joined;
      if (!joined) return first;
      return `${dialect.rowLabel(first)}${rest.length > 1 ? ' - ' : ': '}${joined}`;
    })
    .filter(Boolean)
    .join('\n');
}

function indent(text: string, width: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(width)}`);
}

function renderList(list: Node, dialect: Dialect): string {
  const ordered = list.token.type === 'ordered_list_open';
  let number = Number(list.token.attrGet('start') ?? 1);
  return list.children
    .filter((item) => item.token.type === 'list_item_open')
    .map((item) => {
      const marker = ordered ? `${number++}. ` : dialect.bullet;
      return marker + indent(renderBlocks(item.children, dialect, '\n'), marker.length);
    })
    .join('\n');
}

function renderBlock(node: Node, dialect: Dialect): string {
  const { token } = node;
  switch (token.type) {
    case 'paragraph_open':
      return inlineOf(node, dialect);
    case 'heading_open':
      return dialect.heading(inlineOf(node, dialect, true));
    case 'bullet_list_open':
    case 'ordered_list_open':
      return renderList(node, dialect);
    case 'blockquote_open':
      return dialect.quote(renderBlocks(node.children, dialect));
    case 'table_open':
      return renderTable(node, dialect);
    case 'fence':
    case 'code_block':
      return dialect.codeBlock(token.content.replace(/\n$/, ''));
    case 'hr':
      return '';
    case 'inline':
      return renderInline(token.children ?? [], dialect).trim();
    default:
      return dialect.escape(token.content).trim();
  }
}

/**
 * Blocks in order. Blocks the author wrote on adjacent lines stay on adjacent lines (a list right
 * under its lead-in sentence); blocks the author separated by a blank line are separated by one.
 * Inside a list item every block starts on its own line.
 */
function renderBlocks(nodes: Node[], dialect: Dialect, separator?: string): string {
  let out = '';
  for (const node of nodes) {
    const text = renderBlock(node, dialect);
    if (!text) continue;
    const start = node.token.map?.[0];
    const blankBefore = start === undefined || start === 0 || (dialect.lines[start - 1] ?? '').trim() === '';
    if (out) out += separator ?? (blankBefore ? '\n\n' : '\n');
    out += text;
  }
  return out;
}

function renderWith(markdown: string, format: Omit<Dialect, 'lines'>): string {
  const source = markdown.replace(/\r\n?/g, '\n');
  const dialect: Dialect = { ...format, lines: source.split('\n') };
  return renderBlocks(toTree(md.parse(source, {})), dialect).replace(/[ \t]+$/gm, '').trim();
}

const TEXT: Omit<Dialect, 'lines'> = {
  escape: (text) => text,
  strong: '',
  em: '',
  strike: '',
  code: (content) => content,
  codeBlock: (content) => content,
  link: (href, label) => `${label} (${href.replace(/^mailto:/i, '')})`,
  bareLink: (href, shown) => (/^mailto:/i.test(href) ? href.slice('mailto:'.length) : shown || href),
  heading: (inline) => inline,
  bullet: '- ',
  quote: (text) => text,
  rowLabel: (cell) => cell,
};

/**
 * Markdown → plain text (SMS, the text part of email): emphasis markers removed, list items as
 * "- item" / "1. item" lines, table rows as "label: value" lines, links as "text (url)" (just the
 * URL when the text is the URL), headings as plain lines.
 */
export function markdownToText(markdown: string): string {
  return renderWith(markdown, TEXT);
}

/** Escapes the three characters Slack reserves for its control sequences. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const SLACK: Omit<Dialect, 'lines'> = {
  escape: escapeSlack,
  strong: '*',
  em: '_',
  strike: '~',
  code: (content) => `\`${escapeSlack(content)}\``,
  codeBlock: (content) => `\`\`\`\n${escapeSlack(content)}\n\`\`\``,
  // The label is already escaped; a `|` in it would end Slack's link label early.
  link: (href, label) => `<${href}|${label.replace(/\|/g, '¦')}>`,
  bareLink: (href, shown) => (/^mailto:/i.test(href) ? `<${href}|${shown}>` : `<${href}>`),
  heading: (inline) => `*${inline}*`,
  bullet: '• ',
  quote: (text) => text.replace(/^/gm, '> '),
  rowLabel: (cell) => `*${cell.replace(/^\*(.*)\*$/, '$1')}*`,
};

/**
 * Markdown → Slack mrkdwn: *bold*, _italic_, ~strike~, <url|text> links, "•" bullets, headings
 * as bold lines, tables as "*label*: value" lines, and &, < and > escaped as Slack requires.
 */
export function markdownToSlack(markdown: string): string {
  return renderWith(markdown, SLACK);
}
