/**
 * Text ↔ email: our replies as a plain-text part and an HTML part (reply on top, a short quote of
 * the customer's last message below), and inbound strings made safe to store. Replies are
 * Markdown: the HTML part is its safe rendering, the text part its plain-text rendering.
 */
import type { OutboundMessage } from '../../src/core/ports.ts';
import { markdownToHtml, markdownToText, type InlineStyles } from '../../src/render/markdown.ts';
import { quoteForReply } from './quotes.ts';

/** Many mail clients drop <style>: every element the reply can hold carries its own CSS. */
const EMAIL_STYLES: InlineStyles = {
  p: 'margin:0 0 12px',
  ul: 'margin:0 0 12px;padding-left:24px',
  ol: 'margin:0 0 12px;padding-left:24px',
  li: 'margin:0 0 4px',
  table: 'border-collapse:collapse;margin:0 0 12px;font-size:14px',
  th: 'border:1px solid #d0d7de;padding:6px 10px;background:#f6f8fa;text-align:left;font-weight:600',
  td: 'border:1px solid #d0d7de;padding:6px 10px;vertical-align:top',
  a: 'color:#0b57d0',
  code: 'font-family:Menlo,Consolas,monospace;font-size:13px;background:#f6f8fa;padding:1px 4px;border-radius:3px',
  pre: 'margin:0 0 12px;padding:8px;background:#f6f8fa;overflow-x:auto',
  blockquote: 'margin:0 0 12px;padding-left:12px;border-left:3px solid #d0d7de;color:#555',
  h1: 'font-size:18px;margin:0 0 12px',
  h2: 'font-size:16px;margin:0 0 12px',
  h3: 'font-size:15px;margin:0 0 12px',
};
const BODY_STYLE = 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Paragraphs and line breaks of plain text as HTML, links made clickable. */
function textToHtml(text: string): string {
  return text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => {
      const escaped = escapeHtml(paragraph).replace(/\bhttps?:\/\/[^\s<]+[^\s<.,;:!?)'"]/g, (url) => `<a href="${url}">${url}</a>`);
      return `<p>${escaped.replace(/\n/g, '<br>\n')}</p>`;
    })
    .join('\n');
}

function attribution(at: number): string {
  const when = new Date(at).toUTCString().replace(/ GMT$/, ' UTC');
  return `On ${when}, you wrote:`;
}

/**
 * The body of a reply: our text (Markdown, rendered for each part) on top, then a short quote of
 * what the customer last wrote (plain text, escaped: the customer's words are never markup).
 */
export function renderReply(message: Pick<OutboundMessage, 'text' | 'html' | 'thread'>): { text: string; html: string } {
  const last = message.thread.lastInbound;
  const hasQuote = !!last && last.text.trim().length > 0;
  const quote = hasQuote ? quoteForReply(last.text) : '';
  const reply = markdownToText(message.text);
  const text = hasQuote ? `${reply}\n\n${attribution(last.createdAt)}\n${quote}\n` : `${reply}\n`;
  const quoteHtml = hasQuote
    ? `\n<div class="frontdesk-quote"><p>${escapeHtml(attribution(last.createdAt))}</p>\n<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${textToHtml(
        quote.replace(/^> ?/gm, ''),
      )}</blockquote></div>`
    : '';
  const body = message.html ?? markdownToHtml(message.text, { inlineStyles: EMAIL_STYLES });
  const html = `<!doctype html>\n<html><body style="${BODY_STYLE}">\n<div class="frontdesk-reply">${body}</div>${quoteHtml}\n</body></html>\n`;
  return { text, html };
}

/** Cuts a string to a column limit of the inbound schema. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
