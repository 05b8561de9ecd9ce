/**
 * The server-rendered HTML of a message, for the widget and the console: they set it as
 * innerHTML, so it is rendered here, by the one safe Markdown pipeline, and only for what we
 * send (bot, staff and system replies, staff notes). A customer's message never gets it: clients
 * show customer text as plain text, so customer-provided markup is never rendered.
 */
import type { Message } from '../core/types.ts';
import { markdownToHtml } from './markdown.ts';

/** Safe HTML of an outbound message's Markdown text; null for inbound (customer) messages. */
export function renderedHtmlOf(message: Pick<Message, 'direction' | 'text'>): string | null {
  // Trimmed: the trailing newline after the last block would be part of the bubble's text content.
  return message.direction === 'outbound' ? markdownToHtml(message.text).trim() : null;
}

/** A message as the API serializes it: with `renderedHtml` (see renderedHtmlOf). */
export type RenderedMessage<M extends Pick<Message, 'direction' | 'text'> = Message> = M & {
  /** Safe HTML rendered from `text` for outbound messages, null for customer messages. */
  renderedHtml: string | null;
};

/** Adds `renderedHtml` to a message for an API response. */
export function withRenderedHtml<M extends Pick<Message, 'direction' | 'text'>>(message: M): RenderedMessage<M> {
  return { ...message, renderedHtml: renderedHtmlOf(message) };
}
