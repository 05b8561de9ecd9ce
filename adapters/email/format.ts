/**
 * Text ↔ email: our replies as a plain-text part and an HTML part (reply on top, a short quote of
 * the customer's last message below), and inbound strings made safe to store.
 */
import type { OutboundMessage } from '../../src/core/ports.ts';
import { quoteForReply } from './quotes.ts';

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

/** The body of a reply: our text on top, then a short quote of what the customer last wrote. */
export function renderReply(message: Pick<OutboundMessage, 'text' | 'html' | 'thread'>): { text: string; html: string } {
  const last = message.thread.lastInbound;
  const hasQuote = !!last && last.text.trim().length > 0;
  const quote = hasQuote ? quoteForReply(last.text) : '';
  const text = hasQuote ? `${message.text.trim()}\n\n${attribution(last.createdAt)}\n${quote}\n` : `${message.text.trim()}\n`;
  const quoteHtml = hasQuote
    ? `\n<div class="frontdesk-quote"><p>${escapeHtml(attribution(last.createdAt))}</p>\n<blockquote style="margin:0 0 0 .8ex;border-left:1px solid #ccc;padding-left:1ex">${textToHtml(
        quote.replace(/^> ?/gm, ''),
      )}</blockquote></div>`
    : '';
  const body = message.html ?? textToHtml(message.text);
  const html = `<!doctype html>\n<html><body>\n<div class="frontdesk-reply">${body}</div>${quoteHtml}\n</body></html>\n`;
  return { text, html };
}

/** Strings from the wire as the store takes them: no NUL or other C0 controls but tab and newline. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\r\n?/g, '\n');
}

/** Cuts a string to a column limit of the inbound schema. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}
